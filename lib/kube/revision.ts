// The release record, in yoke's own format so `yoke blackbox` and `yoke descent` read hangar's
// releases: one Secret per revision in the release namespace, named yoke.<12 hex>, labelled
// with the release's SHA-1, holding the gzipped JSON of the applied stages.
import { createHash, randomBytes } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import type { Stages } from "../flight/contract.ts";
import type { KubeClient, Json } from "./client.ts";
import type { Release } from "./prepare.ts";

const kindLabel = "internal.yoke/kind";
const releaseLabel = "internal.yoke/release";

export interface Revision {
  name: string;
  activeAt: string;
  stages: Stages;
}

export function releaseHash(release: string): string {
  return createHash("sha1").update(release).digest("hex");
}

/** RFC 3339 with nanoseconds, as Go's time.RFC3339Nano prints it. */
export function rfc3339Nano(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z");
}

export function revisionSecret(release: Release, stages: Stages, now: Date, name = `yoke.${randomBytes(6).toString("hex")}`): Json {
  const time = rfc3339Nano(now);
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name,
      namespace: release.namespace,
      labels: { [kindLabel]: "revision", [releaseLabel]: releaseHash(release.name) },
      annotations: {
        "internal.yoke/created-at": time,
        "internal.yoke/active-at": time,
        "internal.yoke/resources": String(stages.flat().length),
        "internal.yoke/release-name": release.name,
        "internal.yoke/source-url": "",
        "internal.yoke/source-checksum": "",
      },
    },
    type: "Opaque",
    data: { resources: gzipSync(JSON.stringify(stages)).toString("base64") },
  };
}

export function decodeRevision(secret: Json): Revision {
  return {
    name: secret.metadata.name,
    activeAt: secret.metadata.annotations?.["internal.yoke/active-at"] ?? "",
    stages: JSON.parse(gunzipSync(Buffer.from(secret.data?.resources ?? "", "base64")).toString("utf8")),
  };
}

export async function listRevisions(client: KubeClient, release: Release, signal?: AbortSignal): Promise<Revision[]> {
  const list = await client.getOrUndefined(
    `/api/v1/namespaces/${release.namespace}/secrets?labelSelector=${encodeURIComponent(`${kindLabel}=revision,${releaseLabel}=${releaseHash(release.name)}`)}`,
    signal,
  );
  return ((list?.items ?? []) as Json[]).map(decodeRevision).sort((a, b) => compareTimes(a.activeAt, b.activeAt));
}

/**
 * Orders RFC 3339 times by the instant they name. Go's RFC3339Nano drops trailing zeros (yoke
 * writes `05.5Z`, `05Z`), hangar pads to nine digits: as text, `05Z` would sort after `05.1Z`.
 */
export function compareTimes(a: string, b: string): number {
  const instant = (text: string): [number, number] => {
    const fraction = /\.(\d+)/.exec(text)?.[1] ?? "";
    return [Date.parse(text.replace(/\.\d+/, "")) || 0, Number(fraction.padEnd(9, "0").slice(0, 9))];
  };
  const [secondsA, nanosA] = instant(a);
  const [secondsB, nanosB] = instant(b);
  return secondsA - secondsB || nanosA - nanosB;
}

/** The revision yoke would call active: the newest active-at. */
export function activeRevision(revisions: Revision[]): Revision | undefined {
  return revisions[revisions.length - 1];
}
