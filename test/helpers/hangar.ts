// The hangar command as a user runs it: the executable scripts/hangar.mjs (package.json `bin`),
// with tap's loaders kept out of its environment.
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { fileURLToPath } from "node:url";

export const hangarBin = fileURLToPath(new URL("../../scripts/hangar.mjs", import.meta.url));

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Colour decided by FORCE_COLOR alone (0 unless `extra` says otherwise), whatever the test runner set. */
export function hangarEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== "NODE_OPTIONS" && name !== "NO_COLOR"));
  return { ...env, FORCE_COLOR: "0", ...extra };
}

/** Starts hangar; `started` is the child, `done` resolves with everything it printed. */
export function startHangar(args: string[], options: SpawnOptions = {}): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(hangarBin, args, { env: hangarEnv(), ...options });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (text: string) => (stdout += text));
  child.stderr?.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  const done = new Promise<Run>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

export function hangar(args: string[], options: SpawnOptions = {}): Promise<Run> {
  return startHangar(args, options).done;
}

/** Resolves once `stream` has printed text matching `pattern` (an event, never a sleep). */
export function printed(stream: NodeJS.ReadableStream, pattern: RegExp): Promise<void> {
  return new Promise((resolve) => {
    let seen = "";
    const listen = (chunk: Buffer | string) => {
      seen += String(chunk);
      if (!pattern.test(seen)) return;
      stream.removeListener("data", listen);
      resolve();
    };
    stream.on("data", listen);
  });
}
