// The releases of helmfile.yaml as the comparison needs them: names, namespaces, charts and
// `needs`. helmfile.yaml is plain YAML (it is not a .gotmpl), so it can be read without helmfile.
import { parseAllDocuments } from "yaml";

export interface HelmfileRelease {
  name: string;
  namespace: string;
  chart: string;
  version?: string;
  /** Names of the releases this one needs (namespace and kube-context dropped). */
  needs: string[];
  /** helm --wait for this release (release `wait`, else helmDefaults.wait). */
  wait: boolean;
  /** Installed only when homelab.yaml declares this add-on (`installedTemplate: hasKey .StateValues.addons "KEY"`). */
  onlyWithAddon?: string;
}

export class HelmfileError extends Error {
  override name = "HelmfileError";
}

interface RawRelease {
  name?: unknown;
  namespace?: unknown;
  chart?: unknown;
  version?: unknown;
  needs?: unknown;
  wait?: unknown;
  installedTemplate?: unknown;
}

// The one installedTemplate form helmfile.yaml uses; helmfile renders it with the state values.
const addonCondition = /^\{\{ hasKey \.StateValues\.addons "([A-Za-z]+)" \}\}$/;

export function parseHelmfile(text: string, source: string): HelmfileRelease[] {
  const parts = parseAllDocuments(text).map((doc, index) => {
    if (doc.errors.length > 0) throw new HelmfileError(`${source}: part ${index + 1}: ${doc.errors[0]!.message.split("\n")[0]}`);
    return (doc.toJS() ?? {}) as { releases?: RawRelease[]; helmDefaults?: { wait?: unknown } };
  });
  const defaultWait = parts.some((part) => part.helmDefaults?.wait === true);
  const releases = parts.flatMap((part) => part.releases ?? []);
  return releases.map((raw, index) => {
    if (typeof raw.name !== "string" || typeof raw.chart !== "string") {
      throw new HelmfileError(`${source}: releases[${index}]: name and chart are required`);
    }
    let onlyWithAddon: string | undefined;
    if (raw.installedTemplate !== undefined) {
      onlyWithAddon = addonCondition.exec(String(raw.installedTemplate))?.[1];
      if (!onlyWithAddon) throw new HelmfileError(`${source}: releases[${index}].installedTemplate: only '{{ hasKey .StateValues.addons "NAME" }}' is understood here`);
    }
    return {
      name: raw.name,
      namespace: typeof raw.namespace === "string" ? raw.namespace : "default",
      chart: raw.chart,
      ...(raw.version !== undefined && { version: String(raw.version) }),
      needs: (Array.isArray(raw.needs) ? raw.needs : []).map((need) => String(need).split("/").pop()!),
      wait: typeof raw.wait === "boolean" ? raw.wait : defaultWait,
      ...(onlyWithAddon !== undefined && { onlyWithAddon }),
    };
  });
}

/** The releases helmfile installs for a declaration: those whose add-on it declares, and the rest. */
export function installedReleases(releases: readonly HelmfileRelease[], addons: object): HelmfileRelease[] {
  return releases.filter((release) => release.onlyWithAddon === undefined || release.onlyWithAddon in addons);
}
