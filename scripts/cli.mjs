// The scripts' side of lib/cli: parse this script's command line before anything else happens
// (help, version and misuse end the process here: exit 0 or 2), and set up colour.
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { chalk } from "zx";
import { importDist, root } from "./flights.mjs";

let invokedAs;

/** `hangar up` when the hangar command dispatched to the script; else the script's path. */
export function setInvokedAs(name) {
  invokedAs = name;
}

export function hangarVersion() {
  return JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
}

/** The parsed, typed options of command `name` (camelCase keys), or the process exits. */
export async function commandLine(name) {
  const [{ commandLineOrExit }, { colourEnabled }] = await Promise.all([importDist("cli/program.js"), importDist("cli/output.js")]);
  const as = invokedAs ?? (relative(process.cwd(), process.argv[1] ?? "") || `scripts/${name}.mjs`);
  const options = commandLineOrExit(name, process.argv.slice(2), { version: hangarVersion(), invokedAs: as });
  options.colour = colourEnabled({ flag: options.color, env: process.env, isTTY: Boolean(process.stdout.isTTY) });
  if (!options.colour) chalk.level = 0;
  return options;
}
