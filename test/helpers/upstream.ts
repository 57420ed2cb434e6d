// Upstream release manifests (reference data in ../shared/upstream), indexed for comparisons.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import type { Resource } from "../../lib/flight/contract.ts";

export function loadUpstream(fileName: string): Resource[] {
  const path = fileURLToPath(new URL(`../../../shared/upstream/${fileName}`, import.meta.url));
  return parseAllDocuments(readFileSync(path, "utf8"))
    .map((doc) => doc.toJS() as Resource | null)
    .filter((resource): resource is Resource => resource !== null);
}

export function key(resource: Resource): string {
  return `${resource.kind}/${resource.metadata.namespace ?? "_"}/${resource.metadata.name}`;
}

export function byKey(resources: Resource[]): Map<string, Resource> {
  return new Map(resources.map((resource) => [key(resource), resource]));
}

/** How many schema descriptions (string-valued `description` keys) a value holds. */
export function countDescriptions(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + countDescriptions(item), 0);
  if (value === null || typeof value !== "object") return 0;
  return Object.entries(value as Record<string, unknown>).reduce(
    (sum, [name, child]) => sum + (name === "description" && typeof child === "string" ? 1 : countDescriptions(child)),
    0,
  );
}

/** Reads a nested field by path, e.g. at(obj, "spec.template.spec.containers"). */
export function at(value: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((current, part) => (current as Record<string, unknown> | undefined)?.[part], value);
}
