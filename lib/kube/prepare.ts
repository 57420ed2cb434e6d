// Turning a flight's stages into what gets applied, the way yoke does: namespaces and CRDs of
// each stage go first, namespaced objects default to the release namespace, and every object
// carries the release's ownership label and annotations.
import type { Resource, Stages } from "../flight/contract.ts";

export const managedByLabel = "app.kubernetes.io/managed-by";
export const releaseAnnotation = "instance.atc.yoke.cd/release";
export const namespaceAnnotation = "instance.atc.yoke.cd/namespace";

export interface Release {
  name: string;
  namespace: string;
}

const isPreStage = (resource: Resource) =>
  resource.kind === "Namespace" || (resource.kind === "CustomResourceDefinition" && resource.apiVersion.startsWith("apiextensions.k8s.io/"));

/** Each stage split into [namespaces and CRDs] then the rest; empty parts dropped. */
export function splitPreStages(stages: Stages): Stages {
  return stages.flatMap((stage) => [stage.filter(isPreStage), stage.filter((resource) => !isPreStage(resource))]).filter((stage) => stage.length > 0);
}

/** Kinds the flight itself defines through CRDs, and whether they are namespaced. */
export function crdScopes(stages: Stages): Map<string, boolean> {
  const scopes = new Map<string, boolean>();
  for (const resource of stages.flat()) {
    if (resource.kind !== "CustomResourceDefinition") continue;
    const spec = resource.spec as { group: string; names: { kind: string }; scope: string; versions: { name: string }[] };
    for (const version of spec.versions) scopes.set(`${spec.group}/${version.name}/${spec.names.kind}`, spec.scope === "Namespaced");
  }
  return scopes;
}

export function withReleaseMetadata(resource: Resource, release: Release, namespaced: boolean): Resource {
  const metadata = {
    ...resource.metadata,
    labels: { ...resource.metadata.labels, [managedByLabel]: "yoke" },
    annotations: { ...resource.metadata.annotations, [releaseAnnotation]: release.name, [namespaceAnnotation]: release.namespace },
  };
  if (namespaced) metadata.namespace ??= release.namespace;
  else delete metadata.namespace;
  return { ...resource, metadata };
}

export function identify(resource: Resource): string {
  return `${resource.kind}/${resource.metadata.namespace ?? "_"}/${resource.metadata.name}`;
}
