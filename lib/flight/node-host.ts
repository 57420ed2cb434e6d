// FlightIO for plain node: the JS build of every flight uses this.
import { readFileSync, writeSync } from "node:fs";
import type { FlightIO } from "./io.ts";

export const hostIO: FlightIO = {
  readStdin: () => (process.stdin.isTTY ? "" : readFileSync(0, "utf8")),
  env: (name) => process.env[name],
  argv0: () => process.argv[2],
  writeStdout: (text) => writeAll(1, text),
  writeStderr: (text) => writeAll(2, text),
};

/** Synchronous so a large render is fully flushed before the process exits. */
function writeAll(fd: number, text: string): void {
  const bytes = Buffer.from(text, "utf8");
  for (let offset = 0; offset < bytes.length; ) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (err) {
      // A non-blocking pipe that is momentarily full: try again.
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
    }
  }
}

export function exit(code: number): void {
  process.exit(code);
}
