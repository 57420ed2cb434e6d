// Object identity for the comparison: two renders describe "the same object" when API group,
// kind, namespace and name agree (the version may differ: v1beta1 vs v1 is still one object).
import type { Resource } from "../flight/contract.ts";

export interface ObjectRef {
  group: string;
  kind: string;
  /** Empty for cluster-scoped objects. */
  namespace: string;
  name: string;
}

/** Kinds that never live in a namespace (custom kinds are looked up in the CRDs rendered). */
const clusterScopedKinds = new Set([
  "Namespace",
  "CustomResourceDefinition",
  "ClusterRole",
  "ClusterRoleBinding",
  "ValidatingWebhookConfiguration",
  "MutatingWebhookConfiguration",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "IngressClass",
  "PriorityClass",
  "StorageClass",
  "PersistentVolume",
  "APIService",
  "RuntimeClass",
  "CSIDriver",
  "Node",
]);

export function groupOf(apiVersion: string): string {
  return apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
}

/** Kinds declared cluster-scoped by the CRDs among `objects`. */
export function clusterScopedCustomKinds(objects: readonly Resource[]): Set<string> {
  const kinds = new Set<string>();
  for (const crd of objects) {
    if (crd.kind !== "CustomResourceDefinition") continue;
    const spec = crd.spec as { scope?: string; names?: { kind?: string } } | undefined;
    if (spec?.scope === "Cluster" && spec.names?.kind) kinds.add(spec.names.kind);
  }
  return kinds;
}

export function isClusterScoped(kind: string, customClusterKinds: ReadonlySet<string> = new Set()): boolean {
  return clusterScopedKinds.has(kind) || customClusterKinds.has(kind);
}

export function refOf(object: Resource): ObjectRef {
  return {
    group: groupOf(object.apiVersion),
    kind: object.kind,
    namespace: object.metadata.namespace ?? "",
    name: object.metadata.name,
  };
}

/** A map key for a ref. */
export function refKey(ref: ObjectRef): string {
  return `${ref.group}/${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** How a ref is printed: `Deployment metallb-system/metallb-controller`, `ClusterRole metallb:controller`. */
export function refText(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}

/**
 * Places an object the way the API server would: namespaced objects without a namespace go to
 * the release namespace, cluster-scoped objects lose a stray namespace.
 */
export function placed(object: Resource, releaseNamespace: string | undefined, customClusterKinds: ReadonlySet<string>): Resource {
  const { namespace, ...metadata } = object.metadata;
  if (isClusterScoped(object.kind, customClusterKinds)) return { ...object, metadata: { ...metadata } as Resource["metadata"] };
  const target = namespace ?? releaseNamespace;
  return { ...object, metadata: { ...metadata, ...(target !== undefined && { namespace: target }) } as Resource["metadata"] };
}
