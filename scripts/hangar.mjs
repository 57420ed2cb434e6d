#!/bin/sh
":" //; { true 3>&1; } 2>/dev/null || { echo "error: standard output is closed; hangar reports on it (send it to a file or to /dev/null)" >&2; exit 1; }; exec node "$0" "$@"
// The two lines above are sh, and a no-op string and comment to JavaScript: a stdout the shell
// closed (`>&-`) is seen only before node starts, since node hands a closed stdout /dev/null.
// hangar <command> [options]: one command for every entry point (package.json `bin`).
import { commandLine } from "./entry.mjs";

await (await commandLine()).runHangar(process.argv.slice(2));
