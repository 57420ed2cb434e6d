// FlightIO for the wasip1 engine: the same flight logic, over the `__host` global that
// wasm/engine/host.c provides. Replaces lib/flight/node-host.ts in the wasm build.
import type { FlightIO } from "../lib/flight/io.ts";

declare const __host: {
  stdin: string;
  argv0?: string;
  env(name: string): string | undefined;
  write(fd: number, text: string): void;
  exit(code: number): void;
};

export const hostIO: FlightIO = {
  readStdin: () => __host.stdin,
  env: (name) => __host.env(name),
  argv0: () => __host.argv0,
  writeStdout: (text) => __host.write(1, text),
  writeStderr: (text) => __host.write(2, text),
};

/** Sets the process exit code; the entry point's exit call is its last statement. */
export function exit(code: number): void {
  __host.exit(code);
}
