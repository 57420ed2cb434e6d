// The benchmarks' parts parse their command line as every command does (help, version and
// misuse end the process here: exit 0 or 2).
import { commandLine as bundle } from "./entry.mjs";

/** The parsed, typed options of command `name` (camelCase keys), or the process exits. */
export async function commandLine(name) {
  return (await bundle()).optionsOrExit(name, process.argv[1]);
}
