// yoke's side of a shared release, written from yoke v0.20.27's Go code (yoke itself cannot be
// built here): the stages `yoke takeoff` records for a flight's output (pkg/yoke/yoke_takeoff.go:
// ParseStages, AddYokeMetadata, setTargetNS), the revision Secret it creates with them
// (internal/k8s/k8s.go CreateRevision: json.Marshal, gzip), and its no-op test
// (reflect.DeepEqual of the decoded previous revision and the new stages).
import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { Resource, Stages } from "../../lib/flight/contract.ts";
import { releaseHash } from "../../lib/kube/revision.ts";

type Json = any;

/** Text as Go's encoding/json writes it: map keys sorted, no spaces, <, >, & and U+2028/9 escaped. */
export function goJson(value: Json): string {
  const sorted = (item: Json): Json => {
    if (Array.isArray(item)) return item.map(sorted);
    if (item === null || typeof item !== "object") return item;
    return Object.fromEntries(Object.keys(item).sort().map((key) => [key, sorted(item[key])]));
  };
  const escapes: Record<string, string> = { "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029" };
  return JSON.stringify(sorted(value)).replace(/[<>&\u2028\u2029]/g, (char) => escapes[char]!);
}

/** Go's time.RFC3339Nano: trailing zeros of the fraction dropped, and the dot with them. */
export function goRfc3339Nano(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, (_, ms: string) => (ms === "000" ? "Z" : `.${ms.replace(/0+$/, "")}Z`));
}

/**
 * The stages yoke records for a flight's output: namespaces and CRDs of each stage moved into a
 * stage before it, the release's label and annotations added, namespaced objects defaulted to
 * the target namespace (`namespaced` answers for kinds from discovery).
 */
export function yokeStages(output: Stages, release: string, targetNamespace: string, namespaced: (resource: Resource) => boolean): Stages {
  const isPre = (r: Resource) => (r.kind === "Namespace" && r.apiVersion === "v1") || (r.kind === "CustomResourceDefinition" && r.apiVersion.startsWith("apiextensions.k8s.io/"));
  const split = output.flatMap((stage) => [stage.filter(isPre), stage.filter((r) => !isPre(r))]).filter((stage) => stage.length > 0);
  return split.map((stage) =>
    stage.map((resource) => {
      const copy = structuredClone(resource);
      copy.metadata.labels = { ...copy.metadata.labels, "app.kubernetes.io/managed-by": "yoke" };
      copy.metadata.annotations = { ...copy.metadata.annotations, "instance.atc.yoke.cd/release": release, "instance.atc.yoke.cd/namespace": targetNamespace };
      if (!copy.metadata.namespace && namespaced(resource)) copy.metadata.namespace = targetNamespace;
      return copy;
    }),
  );
}

/** The Secret yoke's CreateRevision writes (it creates it, with field manager yoke). */
export function yokeRevisionSecret(release: string, namespace: string, stages: Stages, at: Date): Json {
  const time = goRfc3339Nano(at);
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: `yoke.${randomBytes(6).toString("hex")}`,
      namespace,
      labels: { "internal.yoke/kind": "revision", "internal.yoke/release": releaseHash(release) },
      annotations: {
        "internal.yoke/created-at": time,
        "internal.yoke/active-at": time,
        "internal.yoke/resources": String(stages.flat().length),
        "internal.yoke/source-url": "file:///flights/" + release + ".wasm",
        "internal.yoke/source-checksum": "0".repeat(40),
        "internal.yoke/release-name": release,
      },
    },
    data: { resources: gzipSync(goJson(stages)).toString("base64") },
  };
}

/** reflect.DeepEqual of two decoded JSON documents: by value, key order never matters. */
export function goDeepEqual(a: Json, b: Json): boolean {
  return goJson(a) === goJson(b);
}
