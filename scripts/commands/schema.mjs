// hangar schema: writes homelab.schema.json (for editors) from the declaration's TypeBox schema.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { homelabJsonSchema } from "../../lib/homelab/json-schema.ts";
import { print } from "./console.mjs";

export function run() {
  writeFileSync(fileURLToPath(new URL("../../homelab.schema.json", import.meta.url)), homelabJsonSchema());
  print("wrote homelab.schema.json");
}
