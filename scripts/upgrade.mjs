#!/bin/sh
":" //; { true 3>&1; } 2>/dev/null || { echo "error: standard output is closed; hangar reports on it (send it to a file or to /dev/null)" >&2; exit 1; }; exec node "$0" "$@"
// The two lines above are sh, and a no-op string and comment to JavaScript: a stdout the shell
// closed (`>&-`) is seen only before node starts, since node hands a closed stdout /dev/null.
// hangar upgrade, under its script's name (scripts/commands/upgrade.mjs is the command).
import { commandLine } from "./entry.mjs";

await (await commandLine()).runScript("upgrade", process.argv[1]);
