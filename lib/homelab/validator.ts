// The compiled ajv validator of homelab.yaml's schema. Compiling takes longer than everything
// else a render does, so the command-line bundle gets this module precompiled at build time
// (scripts/build.mjs, ajv's standalone code with these same options); tests compile it here.
import { Ajv, type ValidateFunction } from "ajv";
import { HomelabSchema } from "./schema.ts";

export const ajvOptions = { allErrors: true, verbose: true, strict: true, keywords: ["x-hint"] };

export function compileHomelabValidator(code?: { source: true; esm: true }): { ajv: Ajv; validate: ValidateFunction } {
  const ajv = new Ajv({ ...ajvOptions, ...(code && { code }) });
  return { ajv, validate: ajv.compile(HomelabSchema) };
}

export const validateHomelab: ValidateFunction = compileHomelabValidator().validate;
