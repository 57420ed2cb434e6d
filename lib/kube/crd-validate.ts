// Local validation of a custom object against the openAPIV3Schema of the CRD that defines it,
// for dry runs and diffs on a cluster where that CRD is not installed yet: the server cannot
// check the object, the plan's own CRD can. Covers what structural schemas use: type, required,
// properties (unknown fields refused), additionalProperties, items, enum, pattern, bounds.
import type { Resource, Stages } from "../flight/contract.ts";

interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
}

/** apiVersion/kind -> the schema of that version, from every CRD in the stages. */
export function plannedSchemas(stages: Stages): Map<string, { crd: string; schema: Schema }> {
  const schemas = new Map<string, { crd: string; schema: Schema }>();
  for (const resource of stages.flat()) {
    if (resource.kind !== "CustomResourceDefinition") continue;
    const spec = resource.spec as { group: string; names: { kind: string }; versions: { name: string; schema?: { openAPIV3Schema?: Schema } }[] };
    for (const version of spec.versions) {
      const schema = version.schema?.openAPIV3Schema;
      if (schema) schemas.set(`${spec.group}/${version.name}/${spec.names.kind}`, { crd: resource.metadata.name, schema });
    }
  }
  return schemas;
}

/** Problems as `field: what is wrong`, empty when the object fits the schema. */
export function validateAgainstSchema(object: Resource, schema: Schema): string[] {
  const problems: string[] = [];
  const body = { ...object } as Record<string, unknown>;
  // apiVersion, kind and metadata are the API server's to check, not the CRD's.
  delete body.apiVersion;
  delete body.kind;
  delete body.metadata;
  const properties = { ...schema.properties };
  delete properties.apiVersion;
  delete properties.kind;
  delete properties.metadata;
  check(body, { ...schema, properties, required: (schema.required ?? []).filter((name) => !["apiVersion", "kind", "metadata"].includes(name)) }, "", problems);
  return problems;
}

function check(value: unknown, schema: Schema, path: string, problems: string[]): void {
  const at = path || "(object)";
  if (value === null) {
    if (!schema.nullable) problems.push(`${at}: must not be null`);
    return;
  }
  if (schema["x-kubernetes-int-or-string"]) {
    if (typeof value !== "string" && !Number.isInteger(value)) problems.push(`${at}: must be an integer or a string (got ${JSON.stringify(value)})`);
    return;
  }
  const type = schema.type;
  const actual = Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;
  if (type && !(type === actual || (type === "number" && actual === "integer") || (type === "object" && actual === "object"))) {
    problems.push(`${at}: must be ${article(type)} (got ${JSON.stringify(value)})`);
    return;
  }
  if (schema.enum && !schema.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) {
    problems.push(`${at}: must be one of ${schema.enum.map((allowed) => JSON.stringify(allowed)).join(", ")} (got ${JSON.stringify(value)})`);
  }
  if (typeof value === "string") {
    if (schema.pattern && !safeRegExp(schema.pattern)?.test(value)) problems.push(`${at}: must match ${schema.pattern} (got ${JSON.stringify(value)})`);
    if (schema.minLength !== undefined && value.length < schema.minLength) problems.push(`${at}: must have at least ${schema.minLength} characters`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) problems.push(`${at}: must have at most ${schema.maxLength} characters`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) problems.push(`${at}: must be at least ${schema.minimum} (got ${value})`);
    if (schema.maximum !== undefined && value > schema.maximum) problems.push(`${at}: must be at most ${schema.maximum} (got ${value})`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) problems.push(`${at}: must list at least ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) problems.push(`${at}: must list at most ${schema.maxItems} items`);
    if (schema.items) value.forEach((item, index) => check(item, schema.items!, `${path}[${index}]`, problems));
    return;
  }
  if (actual !== "object") return;
  const fields = value as Record<string, unknown>;
  for (const name of schema.required ?? []) if (fields[name] === undefined) problems.push(`${path ? `${path}.` : ""}${name}: is required`);
  for (const [name, child] of Object.entries(fields)) {
    const childPath = path ? `${path}.${name}` : name;
    const known = schema.properties?.[name];
    if (known) check(child, known, childPath, problems);
    else if (typeof schema.additionalProperties === "object") check(child, schema.additionalProperties, childPath, problems);
    else if (!schema["x-kubernetes-preserve-unknown-fields"] && schema.additionalProperties !== true) {
      problems.push(`${childPath}: is not a field of this kind's schema (known: ${Object.keys(schema.properties ?? {}).join(", ") || "none"})`);
    }
  }
}

function article(type: string): string {
  return ({ object: "an object", array: "a list", string: "a string", boolean: "true or false", integer: "an integer", number: "a number" } as Record<string, string>)[type] ?? type;
}

function safeRegExp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, "u");
  } catch {
    return undefined;
  }
}
