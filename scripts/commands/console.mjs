// What a command prints: stdout written synchronously so a failed write is seen where it happens
// (console.log drops them: `render > /dev/full` used to exit 0), and colour as lib/cli/output.ts
// decided.
import { writeFully } from "../../lib/flight/node-host.ts";
import { palette } from "../../lib/cli/colour.ts";

/** The styles in force (live binding: colour is decided once the command line is parsed). */
export let paint = palette(false);

export function useColour(enabled) {
  paint = palette(enabled);
}

/** Stdout cannot take what the command prints; the command stops with this message. */
export class OutputError extends Error {}

let readerGone = false;

export function write(text) {
  if (readerGone) return;
  try {
    writeFully(1, text);
  } catch (err) {
    // The reader went away (`| head`): it wants no more; the command itself goes on.
    if (err.code === "EPIPE") readerGone = true;
    else throw new OutputError(`cannot write to standard output (${err.code ?? err.message}); nothing more can be reported`);
  }
}

export function print(line = "") {
  write(`${line}\n`);
}

/** Errors and notices: stderr, where a failure cannot be reported anyway. */
export function warn(line) {
  process.stderr.write(`${line}\n`);
}
