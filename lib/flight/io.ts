// The edge between a flight and its host (node, or the wasip1 engine under yoke).
import { InputError, type Flight, type Release } from "./contract.ts";
import { dnsLabelProblem } from "../homelab/rules.ts";

export interface FlightIO {
  /** Whole standard input as text ("" when nothing was piped). */
  readStdin(): string;
  env(name: string): string | undefined;
  /** argv[0]: yoke passes the release name here. */
  argv0(): string | undefined;
  writeStdout(text: string): void;
  writeStderr(text: string): void;
}

/**
 * Release from YOKE_RELEASE (last path segment, as yoke's SDK does) or argv[0]; namespace from
 * YOKE_NAMESPACE or NAMESPACE, which must be a DNS-1123 label like every namespace name.
 */
export function releaseFrom(io: FlightIO, flight: Flight<unknown>): Release {
  const fromEnv = io.env("YOKE_RELEASE")?.split("/").pop();
  const name = fromEnv || io.argv0() || flight.name;
  const source = io.env("YOKE_NAMESPACE") ? "YOKE_NAMESPACE" : io.env("NAMESPACE") ? "NAMESPACE" : undefined;
  const namespace = (source && io.env(source)) || flight.namespace;
  const problem = dnsLabelProblem(namespace);
  if (source && problem) throw new InputError("", `${source}: ${problem}; it names the namespace the release goes to`);
  return { name, namespace };
}

/**
 * Runs a flight against its host and returns the exit code. Output goes to stdout only on
 * success, so bad input leaves stdout empty and a single line on stderr.
 */
export function runFlight<Input>(flight: Flight<Input>, io: FlightIO): number {
  for (const line of noticeLines(flight)) io.writeStderr(`${line}\n`);
  let output: string[];
  try {
    const text = io.readStdin().trim();
    let raw: unknown = {};
    if (text !== "") {
      try {
        raw = JSON.parse(text);
      } catch {
        // The engine's own parser message differs between node and the wasm engine.
        throw new InputError("", "stdin is not valid JSON; pass a JSON object");
      }
    }
    const release = releaseFrom(io, flight as Flight<unknown>);
    const input = flight.parse(raw);
    output = stagesPieces(flight, input, release);
  } catch (err) {
    if (err instanceof InputError) {
      io.writeStderr(`${flight.name}: ${err.field === "" ? err.problem : err.message}\n`);
      return 1;
    }
    throw err;
  }
  writePieces(io, output);
  return 0;
}

/** What a flight prints on stdout for this input, in the pieces it writes them. */
function stagesPieces<Input>(flight: Flight<Input>, input: Input, release: Release): string[] {
  return [...(flight.renderJson ? flight.renderJson(input, release) : [JSON.stringify(flight.render(input, release), null, 2)]), "\n"];
}

/** Exactly what a flight prints on stdout for this input (in-process renders reuse it). */
export function stagesText<Input>(flight: Flight<Input>, input: Input, release: Release): string {
  return stagesPieces(flight, input, release).join("");
}

/** The flight's notices as it prints them on stderr. */
export function noticeLines(flight: Flight<unknown>): string[] {
  return (flight.notices ?? []).map((notice) => `${flight.name}: ${notice}`);
}

/** Below this size pieces are joined into one write: a host call each would cost more than the copy. */
const batchSize = 1 << 16;

/** Writes the pieces in order: small ones joined, a large one as it is, never copied. */
function writePieces(io: FlightIO, pieces: readonly string[]): void {
  let batch: string[] = [];
  let size = 0;
  const flush = () => {
    if (batch.length > 0) io.writeStdout(batch.join(""));
    batch = [];
    size = 0;
  };
  for (const piece of pieces) {
    if (piece.length >= batchSize) {
      flush();
      io.writeStdout(piece);
      continue;
    }
    batch.push(piece);
    size += piece.length;
    if (size >= batchSize) flush();
  }
  flush();
}
