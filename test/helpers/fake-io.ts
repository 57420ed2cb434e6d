// An in-memory FlightIO, to run a flight's entry logic exactly as its host would.
import type { FlightIO } from "../../lib/flight/io.ts";

export interface CapturedIO extends FlightIO {
  stdout: string;
  stderr: string;
}

export function fakeIO(stdin: string, env: Record<string, string> = {}, argv0?: string): CapturedIO {
  const io: CapturedIO = {
    stdout: "",
    stderr: "",
    readStdin: () => stdin,
    env: (name) => env[name],
    argv0: () => argv0,
    writeStdout: (text) => void (io.stdout += text),
    writeStderr: (text) => void (io.stderr += text),
  };
  return io;
}
