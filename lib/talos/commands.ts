// The talosctl command lines hangar runs, built in one place so the dry-run plan prints
// exactly what a real run executes. Each is argv without the program name.
import type { Homelab } from "../homelab/schema.ts";
import { clusterEndpoint, controlPlanes, firstControlPlane, workers } from "./cluster.ts";
import type { Contract } from "./contract.ts";
import type { StateLayout } from "./layout.ts";

export interface TalosctlCommand {
  argv: string[];
  /** Extra environment, e.g. TALOSCONFIG for commands without a --talosconfig flag. */
  env?: Record<string, string>;
}

export interface GeneratedPatches {
  common?: string;
  controlPlane?: string;
  worker?: string;
}

const command = (...argv: string[]): TalosctlCommand => ({ argv });

/** Flags that aim an authenticated command at one node, talking to that node directly. */
function at(layout: StateLayout, address: string): string[] {
  return ["--talosconfig", layout.talosconfig, "--nodes", address, "--endpoints", address];
}

export const clientVersion = () => command("version", "--client");

export const genSecrets = (contract: Contract, layout: StateLayout) =>
  command("gen", "secrets", "--talos-version", contract, "--output-file", layout.secrets);

/** `--talos-version` is the recorded contract, never the running Talos (see contract.ts). */
export function genConfig(homelab: Homelab, layout: StateLayout, patches: GeneratedPatches, contract: Contract): TalosctlCommand {
  const { cluster } = homelab;
  return command(
    "gen",
    "config",
    cluster.name,
    clusterEndpoint(homelab),
    "--with-secrets",
    layout.secrets,
    "--talos-version",
    contract,
    "--kubernetes-version",
    cluster.kubernetesVersion,
    "--with-docs=false",
    "--with-examples=false",
    ...(patches.common ? ["--config-patch", `@${patches.common}`] : []),
    ...(patches.controlPlane ? ["--config-patch-control-plane", `@${patches.controlPlane}`] : []),
    ...(patches.worker ? ["--config-patch-worker", `@${patches.worker}`] : []),
    "--output",
    layout.generating,
  );
}

/**
 * A fresh talosconfig from the secrets bundle alone (a new client certificate signed by the
 * cluster's CA): renewing it touches no node.
 */
export const genTalosconfig = (homelab: Homelab, layout: StateLayout, contract: Contract, output: string) =>
  command(
    "gen", "config", homelab.cluster.name, clusterEndpoint(homelab), "--with-secrets", layout.secrets, "--talos-version", contract,
    "--output-types", "talosconfig", "--output", output,
  );

/** Answers only in maintenance mode: an installed node requires client certificates. */
export const maintenanceProbe = (address: string) =>
  command("get", "disks", "--insecure", "--nodes", address, "--endpoints", address);

export const nodeVersion = (layout: StateLayout, address: string) => command("version", ...at(layout, address));

export interface ApplyOptions {
  file: string;
  patch: string;
  address: string;
  /** Maintenance mode: no PKI on the node yet. */
  insecure?: boolean;
  dryRun?: boolean;
}

export function applyConfig(layout: StateLayout, options: ApplyOptions): TalosctlCommand {
  const target = options.insecure
    ? ["--insecure", "--nodes", options.address, "--endpoints", options.address]
    : at(layout, options.address);
  return command(
    "apply-config",
    ...target,
    "--file",
    options.file,
    "--config-patch",
    `@${options.patch}`,
    ...(options.dryRun ? ["--dry-run"] : []),
  );
}

export const etcdService = (layout: StateLayout, address: string) =>
  command("get", "services", "etcd", ...at(layout, address), "--output", "yaml");

export const bootstrap = (layout: StateLayout, address: string) => command("bootstrap", ...at(layout, address));

export const kubeconfig = (layout: StateLayout, address: string) =>
  command("kubeconfig", layout.kubeconfig, ...at(layout, address), "--merge=false", "--force");

export function health(homelab: Homelab, layout: StateLayout): TalosctlCommand {
  const workerAddresses = workers(homelab).map((node) => node.address);
  return command(
    "health",
    ...at(layout, firstControlPlane(homelab).address),
    "--control-plane-nodes",
    controlPlanes(homelab).map((node) => node.address).join(","),
    ...(workerAddresses.length > 0 ? ["--worker-nodes", workerAddresses.join(",")] : []),
    "--wait-timeout",
    "20m",
  );
}

export const extensions = (layout: StateLayout, address: string) =>
  command("get", "extensions", ...at(layout, address), "--output", "yaml");

export const apiServerPod = (layout: StateLayout, address: string) =>
  command("get", "staticpods", "kube-apiserver", ...at(layout, address), "--output", "yaml");

export function upgrade(layout: StateLayout, address: string, image: string, drain: boolean): TalosctlCommand {
  return command("upgrade", ...at(layout, address), "--image", image, ...(drain ? [] : ["--drain=false"]));
}

export const upgradeKubernetes = (layout: StateLayout, address: string, to: string, dryRun = false) =>
  command("upgrade-k8s", ...at(layout, address), "--to", to, ...(dryRun ? ["--dry-run"] : []));

/** The kernel's boot ID: it changes on every boot, so a reboot is seen even when it is quick. */
export const bootId = (layout: StateLayout, address: string) => command("read", ...at(layout, address), "/proc/sys/kernel/random/boot_id");

export const etcdSnapshot = (layout: StateLayout, address: string, path: string) => command("etcd", "snapshot", path, ...at(layout, address));

export interface ResetOptions {
  /** False on the only control plane: etcd cannot leave a one-member cluster. */
  graceful: boolean;
  /** Wipe the whole disk and power off, instead of returning to maintenance mode with the OS kept. */
  wipeDisk: boolean;
}

export function reset(layout: StateLayout, address: string, options: ResetOptions): TalosctlCommand {
  const wipe = options.wipeDisk
    ? ["--wipe-mode", "all"]
    : ["--system-labels-to-wipe", "STATE", "--system-labels-to-wipe", "EPHEMERAL", "--reboot"];
  return command("reset", ...at(layout, address), `--graceful=${options.graceful}`, ...wipe);
}

/** The command as a shell line, for logs and the dry-run plan (arguments never hold secrets). */
export function commandLine(command: TalosctlCommand): string {
  const env = Object.entries(command.env ?? {}).map(([name, value]) => `${name}=${shellWord(value)} `);
  return `${env.join("")}talosctl ${command.argv.map(shellWord).join(" ")}`;
}

function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
