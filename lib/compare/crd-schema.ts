// The fields a CRD version accepts, as `path -> type`, from its openAPIV3Schema. Descriptions,
// defaults and validation messages are left out: hangar's flights may drop descriptions, and a
// changed field set or type is what breaks objects written against the other render.

interface Schema {
  type?: string;
  format?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
}

function typeText(schema: Schema): string {
  if (schema["x-kubernetes-int-or-string"]) return "int-or-string";
  const base = schema.type ?? "untyped";
  const format = schema.format ? ` (${schema.format})` : "";
  const open = schema["x-kubernetes-preserve-unknown-fields"] ? ", keeps unknown fields" : "";
  return `${base}${format}${open}`;
}

/** `.spec.addresses[]` style paths; `.*` stands for the values of a free-form map. */
export function schemaFields(schema: unknown, path = "", into: Map<string, string> = new Map()): Map<string, string> {
  if (typeof schema !== "object" || schema === null) return into;
  const node = schema as Schema;
  if (path) into.set(path, typeText(node));
  for (const [key, child] of Object.entries(node.properties ?? {})) schemaFields(child, `${path}.${key}`, into);
  if (node.items) schemaFields(node.items, `${path}[]`, into);
  if (typeof node.additionalProperties === "object") schemaFields(node.additionalProperties, `${path}.*`, into);
  return into;
}
