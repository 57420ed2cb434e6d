// The one place that knows which labels and annotations are bookkeeping of the tool that
// rendered or applied an object (Helm, the chart's version stamp, yoke, controller-gen) rather
// than anything the cluster acts on. The comparison drops them before looking for differences.
import type { Resource } from "../flight/contract.ts";

/** Labels stamped by Helm charts and by yoke; they name the packager, not the workload. */
const bookkeepingLabels = new Set([
  "app.kubernetes.io/managed-by", // "Helm" in a chart, "yoke" once yoke applied it
  "helm.sh/chart", // chart name and version
  "app.kubernetes.io/version", // the chart's appVersion stamp
]);

/** Annotation prefixes owned by Helm (hooks, release metadata), yoke and generators. */
const bookkeepingAnnotationPrefixes = [
  "helm.sh/", // hook, hook-weight, hook-delete-policy, resource-policy
  "meta.helm.sh/", // release-name, release-namespace
  "instance.atc.yoke.cd/", // release, namespace
  "controller-gen.kubebuilder.io/", // the generator's version on CRDs
];

export function isBookkeepingLabel(key: string): boolean {
  return bookkeepingLabels.has(key);
}

export function isBookkeepingAnnotation(key: string): boolean {
  return bookkeepingAnnotationPrefixes.some((prefix) => key.startsWith(prefix));
}

function kept(map: unknown, isBookkeeping: (key: string) => boolean): Record<string, string> | undefined {
  if (typeof map !== "object" || map === null) return undefined;
  const entries = Object.entries(map as Record<string, string>).filter(([key]) => !isBookkeeping(key));
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

function cleanMetadata<T extends { labels?: unknown; annotations?: unknown }>(metadata: T): T {
  const { labels, annotations, ...rest } = metadata;
  const keptLabels = kept(labels, isBookkeepingLabel);
  const keptAnnotations = kept(annotations, isBookkeepingAnnotation);
  return { ...rest, ...(keptLabels && { labels: keptLabels }), ...(keptAnnotations && { annotations: keptAnnotations }) } as T;
}

/**
 * The object without bookkeeping on its own metadata. A pod template keeps it: a label there,
 * even Helm's, is part of the template, and changing it replaces the pods.
 */
export function withoutBookkeeping(object: Resource): Resource {
  return { ...object, metadata: cleanMetadata(object.metadata) };
}
