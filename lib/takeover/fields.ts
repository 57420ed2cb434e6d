// Which fields a write would change: leaf-by-leaf differences between a live object and what the
// server answered to a dry run of the write, without the server's bookkeeping and without the
// ownership metadata a takeover changes on purpose (yoke's label and annotations).
import { managedByLabel, namespaceAnnotation, releaseAnnotation } from "../kube/prepare.ts";
import type { Json } from "../kube/client.ts";

const serverFields = new Set(["managedFields", "resourceVersion", "generation", "uid", "creationTimestamp"]);
const ownership = new Set([`labels.${managedByLabel}`, `annotations.${releaseAnnotation}`, `annotations.${namespaceAnnotation}`]);

function isMap(value: Json): boolean {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function leaves(value: Json, path: string, into: Map<string, string>): Map<string, string> {
  if (isMap(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) leaves(child, path ? `${path}.${key}` : key, into);
  } else if (Array.isArray(value) && value.some(isMap)) {
    value.forEach((item, index) => leaves(item, `${path}[${index}]`, into));
  } else {
    into.set(path, JSON.stringify(value));
  }
  return into;
}

function comparable(object: Json): Json {
  const { status: _status, metadata = {}, ...rest } = object ?? {};
  const meta = Object.fromEntries(Object.entries(metadata).filter(([key]) => !serverFields.has(key)));
  return { ...rest, metadata: meta };
}

/** Paths (`spec.template.spec.containers[0].args`) whose value differs between the two. */
export function changedFields(live: Json, after: Json): string[] {
  const before = leaves(comparable(live), "", new Map());
  const next = leaves(comparable(after), "", new Map());
  return [...new Set([...before.keys(), ...next.keys()])]
    .filter((path) => before.get(path) !== next.get(path))
    .filter((path) => !ownership.has(path.replace(/^metadata\./, "")))
    .sort();
}

const podControllers = new Set(["Deployment", "DaemonSet", "StatefulSet"]);

/** A Deployment, DaemonSet or StatefulSet replaces its pods when spec.template changes at all. */
export function restartsPods(live: Json, after: Json): boolean {
  return podControllers.has(live?.kind) && JSON.stringify(sorted(live.spec?.template)) !== JSON.stringify(sorted(after?.spec?.template));
}

function sorted(value: Json): Json {
  if (Array.isArray(value)) return value.map(sorted);
  if (isMap(value)) return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sorted(value[key])]));
  return value;
}
