// Rendered manifests as text (what `helm template` writes, or an upstream release file) ->
// objects. Empty documents are skipped, as kubectl does.
import { parseAllDocuments } from "yaml";
import type { Resource } from "../flight/contract.ts";

export class ManifestError extends Error {
  override name = "ManifestError";
}

/** Parses a multi-document YAML stream; `source` names the file in error messages. */
export function parseManifests(text: string, source: string): Resource[] {
  const objects: Resource[] = [];
  parseAllDocuments(text).forEach((doc, index) => {
    if (doc.errors.length > 0) throw new ManifestError(`${source}: document ${index + 1}: ${doc.errors[0]!.message.split("\n")[0]}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    if (!isResource(value)) {
      throw new ManifestError(`${source}: document ${index + 1} is not a Kubernetes object (apiVersion, kind and metadata.name are required)`);
    }
    objects.push(value);
  });
  return objects;
}

function isResource(value: unknown): value is Resource {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const object = value as Record<string, unknown>;
  const metadata = object.metadata as Record<string, unknown> | undefined;
  return typeof object.apiVersion === "string" && typeof object.kind === "string" && typeof metadata?.name === "string";
}
