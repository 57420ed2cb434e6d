// Helm's records of what it installed. Helm 3 and 4 keep each revision of a release in a Secret
// `sh.helm.release.v1.<release>.v<revision>` (type helm.sh/release.v1, labels owner=helm,
// name=<release>, version=<revision>, status) in the release namespace; its `release` key holds
// base64 of the gzipped release JSON, whose `manifest` is every object of that revision (hooks
// are kept apart and are not in it). Objects carry `meta.helm.sh/release-name` and
// `meta.helm.sh/release-namespace` and the label `app.kubernetes.io/managed-by: Helm`.
import { gunzipSync } from "node:zlib";
import { parseAllDocuments } from "yaml";
import type { Resource } from "../flight/contract.ts";
import type { KubeClient, Json } from "../kube/client.ts";

export const helmReleaseName = "meta.helm.sh/release-name";
export const helmReleaseNamespace = "meta.helm.sh/release-namespace";
export const helmChartLabel = "helm.sh/chart";

export interface HelmRelease {
  name: string;
  namespace: string;
  /** The deployed (else newest) revision. */
  version: number;
  status: string;
  chart: string;
  /** The objects of that revision's manifest. */
  objects: Resource[];
  /** Every revision's Secret, all to be deleted once the release is retired. */
  secrets: string[];
}

/** The release JSON of a Helm release Secret (base64 of gzip, inside the Secret's own base64). */
export function decodeRelease(secret: Json): Json {
  const inner = Buffer.from(Buffer.from(String(secret.data?.release ?? ""), "base64").toString("utf8"), "base64");
  const raw = inner[0] === 0x1f && inner[1] === 0x8b ? gunzipSync(inner) : inner;
  return JSON.parse(raw.toString("utf8"));
}

function manifestObjects(manifest: string): Resource[] {
  return parseAllDocuments(manifest ?? "")
    .map((doc) => doc.toJS() as Resource | null)
    .filter((object): object is Resource => object !== null && typeof object === "object" && typeof object.kind === "string");
}

/** Every Helm release in the cluster, from its release Secrets. */
export async function listHelmReleases(client: KubeClient, signal?: AbortSignal): Promise<HelmRelease[]> {
  const list = await client.json("GET", "/api/v1/secrets", { query: { labelSelector: "owner=helm" }, signal });
  const byRelease = new Map<string, Json[]>();
  for (const secret of list.items ?? []) {
    if (!String(secret.metadata.name).startsWith("sh.helm.release.v1.")) continue;
    const key = `${secret.metadata.namespace}/${secret.metadata.labels?.name}`;
    byRelease.set(key, [...(byRelease.get(key) ?? []), secret]);
  }
  return [...byRelease.values()].map((secrets) => {
    const version = (secret: Json) => Number(secret.metadata.labels?.version ?? 0);
    const sorted = [...secrets].sort((a, b) => version(b) - version(a));
    const current = sorted.find((secret) => secret.metadata.labels?.status === "deployed") ?? sorted[0]!;
    const release = decodeRelease(current);
    const chart = release.chart?.metadata ? `${release.chart.metadata.name}-${release.chart.metadata.version}` : "";
    return {
      name: current.metadata.labels.name,
      namespace: current.metadata.namespace,
      version: version(current),
      status: String(current.metadata.labels?.status ?? "unknown"),
      chart,
      objects: manifestObjects(release.manifest),
      secrets: sorted.map((secret) => secret.metadata.name),
    };
  });
}
