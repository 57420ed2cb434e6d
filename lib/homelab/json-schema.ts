// The published JSON Schema of homelab.yaml, as editors (yaml-language-server) read it.
import { HomelabSchema } from "./schema.ts";

export function homelabJsonSchema(): string {
  const schema = { $schema: "http://json-schema.org/draft-07/schema#", ...HomelabSchema };
  return JSON.stringify(schema, null, 2) + "\n";
}
