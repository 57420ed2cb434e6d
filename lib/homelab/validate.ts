// Schema validation of the parsed declaration with ajv, as Problems with field paths.
import type { ErrorObject } from "ajv";
import { validateHomelab as validate } from "./validator.ts";
import type { Problem } from "./problems.ts";

export function schemaProblems(value: unknown): Problem[] {
  if (validate(value)) return [];
  const byField = new Map<string, ErrorObject[]>();
  for (const error of validate.errors ?? []) {
    const key = `${error.instancePath}|${fieldOf(error) ?? ""}`;
    byField.set(key, [...(byField.get(key) ?? []), error]);
  }
  return [...byField.values()].map((errors) => describe(pick(errors)));
}

/** Among errors for one field (a union reports each branch), prefer the one with a hint. */
function pick(errors: ErrorObject[]): ErrorObject {
  return errors.find((error) => hint(error) !== undefined) ?? errors[0]!;
}

function fieldOf(error: ErrorObject): string | undefined {
  if (error.keyword === "required") return String(error.params.missingProperty);
  if (error.keyword === "additionalProperties") return String(error.params.additionalProperty);
  return undefined;
}

function hint(error: ErrorObject): string | undefined {
  const found = (error.parentSchema as Record<string, unknown> | undefined)?.["x-hint"];
  return typeof found === "string" ? found : undefined;
}

function describe(error: ErrorObject): Problem {
  const path: (string | number)[] = pointerPath(error.instancePath);
  const field = fieldOf(error);
  if (field !== undefined) path.push(field);
  return { path, message: message(error) };
}

function message(error: ErrorObject): string {
  // YAML reads 1e400 as infinity, which JSON would print as null.
  if (typeof error.data === "number" && Number.isNaN(error.data)) return "is not a number (it reads as NaN)";
  if (typeof error.data === "number" && !Number.isFinite(error.data)) return `is too large to be a number (it reads as ${error.data > 0 ? "" : "minus "}infinity)`;
  const got = error.data === undefined ? "" : ` (got ${shortened(JSON.stringify(error.data))})`;
  switch (error.keyword) {
    case "required":
      return "is required";
    case "additionalProperties": {
      const known = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      return `is not a known field; check its spelling (known fields: ${known.join(", ")})`;
    }
    case "minItems":
      return `must list at least ${error.params.limit} item${error.params.limit === 1 ? "" : "s"}`;
    case "uniqueItems":
      return `lists ${JSON.stringify((error.data as unknown[])[error.params.i])} twice; keep one`;
    case "minimum":
    case "maximum":
      return `must be ${error.params.comparison} ${error.params.limit}${got}`;
    default: {
      const wanted = hint(error);
      if (wanted !== undefined) return `must be ${wanted}${got}`;
      if (error.keyword === "type") return `must be ${article(String(error.params.type))}${got}`;
      return `${error.message ?? "is invalid"}${got}`;
    }
  }
}

/** A value quoted in a message: its start, when it is long. */
function shortened(json: string): string {
  return json.length > 80 ? `${json.slice(0, 77)}…` : json;
}

function article(type: string): string {
  const names: Record<string, string> = { object: "a map", array: "a list", string: "a string", boolean: "true or false", integer: "a whole number", number: "a number" };
  return names[type] ?? type;
}

function pointerPath(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

