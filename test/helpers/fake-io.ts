// An in-memory FlightIO, to run a flight's entry logic exactly as its host would.
import type { Test } from "tap";
import type { Flight } from "../../lib/flight/contract.ts";
import { runFlight, type FlightIO } from "../../lib/flight/io.ts";

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

/** One test per bad input: exit 1, nothing on stdout, exactly the expected line on stderr (after the flight's notices). */
export function rejectsBadInput(t: Test, flight: Flight<any>, cases: readonly (readonly [unknown, string])[], notices = ""): void {
  for (const [raw, message] of cases) {
    t.test(`bad input: ${message}`, async (t) => {
      const io = fakeIO(JSON.stringify(raw));
      t.equal(runFlight(flight, io), 1);
      t.equal(io.stdout, "");
      t.equal(io.stderr, `${notices}${message}\n`);
    });
  }
}
