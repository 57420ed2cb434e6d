// A hangar script run as a user runs it, followed while it runs: its output as it comes (tests
// wait for a line, never for time), its exit, and Ctrl-C.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface ScriptProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The exit code (null when ended by a signal). */
  exited: Promise<number | null>;
  /** Resolves once stdout or stderr matches, or rejects when the process ends first. */
  untilOutput(pattern: RegExp): Promise<void>;
}

const scriptPath = (name: string) => fileURLToPath(new URL(`../../scripts/${name}.mjs`, import.meta.url));
const env = () => ({ ...process.env, FORCE_COLOR: "0", NODE_OPTIONS: "" });

/** Runs scripts/<name>.mjs with `input` on its stdin (a pipe, never a terminal). */
export function runScript(name: string, args: string[], input = ""): ScriptProcess {
  const child = spawn(process.execPath, [scriptPath(name), ...args], { env: env(), stdio: ["pipe", "pipe", "pipe"] });
  child.stdin!.end(input);
  return follow(name, child);
}

/**
 * Runs scripts/<name>.mjs on a terminal of its own (util-linux `script` makes it): stdin is a
 * TTY, so the script may ask, and what the test types goes through the terminal as a user's
 * keys do (Ctrl-C, "\x03", becomes SIGINT). stdout and stderr both arrive as stdout.
 */
export function runOnTerminal(name: string, args: string[]): ScriptProcess & { type(keys: string): void } {
  const quoted = [process.execPath, scriptPath(name), ...args].map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(" ");
  const child = spawn("script", ["--quiet", "--flush", "--return", "--command", `exec ${quoted}`, "/dev/null"], { env: env(), stdio: ["pipe", "pipe", "pipe"] });
  return { ...follow(name, child), type: (keys) => void child.stdin!.write(keys) };
}

function follow(name: string, child: ChildProcess): ScriptProcess {
  let out = "";
  let err = "";
  const waiters = new Set<() => void>();
  const changed = () => waiters.forEach((waiter) => waiter());
  child.stdout!.on("data", (chunk) => {
    out += chunk;
    changed();
  });
  child.stderr!.on("data", (chunk) => {
    err += chunk;
    changed();
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  let ended = false;
  void exited.then(() => {
    ended = true;
    changed();
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    untilOutput: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(out) || pattern.test(err)) {
            waiters.delete(check);
            resolve();
          } else if (ended) {
            waiters.delete(check);
            reject(new Error(`${name} ended without printing ${pattern}:\n${out}\n${err}`));
          }
        };
        waiters.add(check);
        check();
      }),
  };
}

/** Runs the script to its end: its exit code (1 for a signal) and everything it printed. */
export async function runToEnd(name: string, args: string[], input = ""): Promise<{ code: number; stdout: string; stderr: string }> {
  const run = runScript(name, args, input);
  const code = await run.exited;
  return { code: code ?? 1, stdout: run.stdout(), stderr: run.stderr() };
}
