// Reading what talosctl reports: versions, the installed schematic, etcd, the API server
// image, and the few error messages that mean "already done".
import { parseAllDocuments } from "yaml";
import { vanillaSchematicId } from "./schematic.ts";

/** The first `Tag:` in `talosctl version` output: the client's with --client, else the first server's after `Server:`. */
export function versionTag(output: string, section: "Client" | "Server"): string | undefined {
  const start = output.indexOf(`${section}:`);
  if (start < 0) return undefined;
  return /^\s*Tag:\s*(\S+)/m.exec(output.slice(start))?.[1];
}

function documents(output: string): Record<string, any>[] {
  return parseAllDocuments(output)
    .map((document) => document.toJS() as unknown)
    .filter((value): value is Record<string, any> => typeof value === "object" && value !== null);
}

/**
 * The schematic ID a node booted, from `get extensions -o yaml`: Image Factory images carry a
 * virtual "schematic" extension whose version is the ID. Images without it are vanilla.
 */
export function installedSchematic(output: string): string {
  const schematic = documents(output).find((resource) => resource.spec?.metadata?.name === "schematic");
  return String(schematic?.spec?.metadata?.version ?? vanillaSchematicId);
}

/** `get services etcd -o yaml`: true once etcd runs, which it only does after a bootstrap. */
export function etcdRunning(output: string): boolean {
  return documents(output).some((resource) => resource.spec?.running === true);
}

/** The Kubernetes version of the running API server, from its static pod's image tag. */
export function apiServerVersion(output: string): string | undefined {
  for (const resource of documents(output)) {
    const containers: unknown = resource.spec?.spec?.containers;
    if (!Array.isArray(containers)) continue;
    const image = containers.find((container) => container?.name === "kube-apiserver")?.image;
    const tag = typeof image === "string" ? image.slice(image.lastIndexOf(":") + 1) : "";
    if (/^v?\d+\.\d+\.\d+$/.test(tag)) return tag.replace(/^v/, "");
  }
  return undefined;
}

/** A second bootstrap fails like this; it means the cluster already has its etcd. */
export function isAlreadyBootstrapped(stderr: string): boolean {
  return /code = AlreadyExists/.test(stderr);
}

/**
 * `apply-config --dry-run` ends with this when the node already runs the given config. talosctl
 * prints the dry-run summary on stderr (cmd/talosctl/pkg/talos/helpers/mode.go), so that is the
 * stream to read.
 */
export function dryRunUnchanged(stderr: string): boolean {
  return /^No changes\.$/m.test(stderr);
}

/** The apply's mode details ("Applied configuration with a reboot"), on whichever stream talosctl used. */
export function appliedWithReboot(output: string): boolean {
  return /Applied configuration with a reboot/.test(output);
}

/** Bootstrap answers FailedPrecondition while the node is not ready for it yet ("bootstrap is not available yet", "time is not in sync yet"). */
export function bootstrapNotReadyYet(stderr: string): boolean {
  return /code = FailedPrecondition/.test(stderr);
}

/** `talosctl read /proc/sys/kernel/random/boot_id`. */
export function parseBootId(stdout: string): string | undefined {
  const id = stdout.trim();
  return /^[0-9a-f-]{36}$/.test(id) ? id : undefined;
}
