#!/usr/bin/env node
// Writes homelab.schema.json (for editors) from the declaration's TypeBox schema.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { importDist, root } from "./flights.mjs";
import { commandLine } from "./cli.mjs";

await commandLine("schema");

const { homelabJsonSchema } = await importDist("homelab/json-schema.js");
writeFileSync(join(root, "homelab.schema.json"), homelabJsonSchema());
console.log("wrote homelab.schema.json");
