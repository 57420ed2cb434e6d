// The fields a CRD version accepts, as `path -> type`, from its openAPIV3Schema: a changed field
// set or type is what breaks objects written against the other render. Their descriptions, as
// `path -> text`, apart: what `kubectl explain` shows, and lost when a render drops them.

interface Schema {
  description?: string;
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

/** Visits the schema (path "") and every field under it: `.spec.addresses[]` style paths, `.*` for the values of a free-form map. */
function walk(schema: unknown, visit: (path: string, node: Schema) => void, path = ""): void {
  if (typeof schema !== "object" || schema === null) return;
  const node = schema as Schema;
  visit(path, node);
  for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, visit, `${path}.${key}`);
  if (node.items) walk(node.items, visit, `${path}[]`);
  if (typeof node.additionalProperties === "object") walk(node.additionalProperties, visit, `${path}.*`);
}

/** Each field's type by its path. */
export function schemaFields(schema: unknown): Map<string, string> {
  const fields = new Map<string, string>();
  walk(schema, (path, node) => {
    if (path) fields.set(path, typeText(node));
  });
  return fields;
}

/** Each description by the path of the field it describes; the schema's own is at `.`. */
export function schemaDescriptions(schema: unknown): Map<string, string> {
  const descriptions = new Map<string, string>();
  walk(schema, (path, node) => {
    if (typeof node.description === "string") descriptions.set(path || ".", node.description);
  });
  return descriptions;
}
