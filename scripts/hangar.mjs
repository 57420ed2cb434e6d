#!/usr/bin/env node
// hangar <command> [options]: one command for every entry point (package.json `bin`). It picks
// the subcommand and runs scripts/<command>.mjs in this process, which parses its own options.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { importDist, root } from "./flights.mjs";
import { hangarVersion, setInvokedAs } from "./cli.mjs";

const { parseSubcommand } = await importDist("cli/program.js");
const chosen = parseSubcommand(process.argv.slice(2), { version: hangarVersion() });
if (!chosen.ok) process.exit(chosen.exitCode);
const script = join(root, "scripts", `${chosen.command.script}.mjs`);
setInvokedAs(`hangar ${chosen.command.name}`);
process.argv = [process.argv[0], script, ...chosen.rest];
await import(pathToFileURL(script).href);
