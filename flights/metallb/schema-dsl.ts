// Shorthand for OpenAPI v3 schemas, so the CRD schemas read as structure rather than noise.
export type Schema = { [keyword: string]: unknown };

export const str = (extra: Schema = {}): Schema => ({ type: "string", ...extra });
export const int = (extra: Schema = {}): Schema => ({ type: "integer", ...extra });
export const bool = (extra: Schema = {}): Schema => ({ type: "boolean", ...extra });
export const arr = (items: Schema, extra: Schema = {}): Schema => ({ type: "array", items, ...extra });
export const map = (values: Schema, extra: Schema = {}): Schema => ({ type: "object", additionalProperties: values, ...extra });
export const anyObject: Schema = { type: "object" };

export function obj(properties: Record<string, Schema>, required?: string[], extra: Schema = {}): Schema {
  return { type: "object", properties, ...(required && { required }), ...extra };
}
