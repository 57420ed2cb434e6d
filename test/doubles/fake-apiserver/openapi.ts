// /openapi/v3 as kubectl reads it to learn that the server validates fields itself: the root
// lists one document per group-version; each document has the PATCH operation of every kind,
// tagged with its group-version-kind and accepting the fieldValidation query parameter. With
// that, `kubectl apply --server-side` (validation on, its default) sends fieldValidation=Strict
// and leaves checking to the server, as against a real one. Schemas are not served.
import type { Kind } from "./kinds.ts";

type Json = any;

export function groupVersionPath(kind: Pick<Kind, "group" | "version">): string {
  return kind.group ? `apis/${kind.group}/${kind.version}` : `api/${kind.version}`;
}

export function openapiRoot(kinds: readonly Kind[]): Json {
  const paths: Record<string, Json> = {};
  for (const kind of kinds) paths[groupVersionPath(kind)] = { serverRelativeURL: `/openapi/v3/${groupVersionPath(kind)}?hash=fake` };
  return { paths };
}

/** The document of one group-version, or undefined when no kind is served there. */
export function openapiDocument(kinds: readonly Kind[], path: string): Json | undefined {
  const served = kinds.filter((kind) => groupVersionPath(kind) === path);
  if (served.length === 0) return undefined;
  const paths: Record<string, Json> = {};
  for (const kind of served) {
    const collection = `/${path}/${kind.namespaced ? "namespaces/{namespace}/" : ""}${kind.plural}`;
    paths[`${collection}/{name}`] = {
      patch: {
        operationId: `patch${kind.kind}`,
        "x-kubernetes-action": "patch",
        "x-kubernetes-group-version-kind": { group: kind.group, version: kind.version, kind: kind.kind },
        parameters: ["dryRun", "fieldManager", "fieldValidation", "force"].map((name) => ({ name, in: "query", schema: { type: name === "force" ? "boolean" : "string" } })),
        responses: { "200": { description: "OK" } },
      },
    };
  }
  return { openapi: "3.0.0", info: { title: "Kubernetes", version: "v1.36.3" }, paths, components: { schemas: {} } };
}
