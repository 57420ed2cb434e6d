// FlightIO for plain node: the JS build of every flight uses this.
import { readSync, writeSync } from "node:fs";
import type { FlightIO } from "./io.ts";

export const hostIO: FlightIO = {
  readStdin: () => (process.stdin.isTTY ? "" : readAll(0)),
  env: (name) => process.env[name],
  argv0: () => process.argv[2],
  writeStdout: (text) => writeAll(1, text),
  writeStderr: (text) => writeAll(2, text),
};

/** Blocks this thread briefly: the flight is synchronous by contract and has nothing else to do. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * The whole of stdin, whatever it is: a file, a blocking pipe, or a non-blocking pipe or socket
 * whose writer is slow (readFileSync(0) fails there with EAGAIN).
 */
function readAll(fd: number): string {
  const chunks: Buffer[] = [];
  const buffer = Buffer.alloc(1 << 16);
  for (;;) {
    let read: number;
    try {
      read = readSync(fd, buffer, 0, buffer.length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EAGAIN" || code === "EWOULDBLOCK") {
        pause(2);
        continue;
      }
      if (code === "EOF") break;
      throw err;
    }
    if (read === 0) break;
    chunks.push(Buffer.from(buffer.subarray(0, read)));
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Synchronous so a large render is fully flushed before the process exits. */
function writeAll(fd: number, text: string): void {
  try {
    writeFully(fd, text);
  } catch (err) {
    // The reader went away (`| head`): nobody wants the rest; leave quietly, as cat does.
    if ((err as NodeJS.ErrnoException).code === "EPIPE") process.exit(0);
    throw err;
  }
}

/**
 * Writes all of `text` to `fd` before returning, waiting out a momentarily full non-blocking
 * pipe; any other failure (EPIPE, ENOSPC, EBADF, EIO) is thrown for the caller to judge.
 */
export function writeFully(fd: number, text: string): void {
  const bytes = Buffer.from(text, "utf8");
  for (let offset = 0; offset < bytes.length; ) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
      pause(1);
    }
  }
}

export function exit(code: number): void {
  process.exit(code);
}
