// The command line, bundled by scripts/build.mjs into dist/cli/ (npm ci builds it): parse the
// command line first (help, version and misuse end here: exit 0 or 2), then load only the
// chosen command's modules and run it. Exit codes: 0 done, 1 failed, 2 misuse, 130 Ctrl-C.
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { parseCommandLine, parseSubcommand } from "../../lib/cli/program.ts";
import { colourEnabled } from "../../lib/cli/output.ts";
import { OutputError, paint, useColour, warn, write } from "./console.mjs";
import { installInterruptHandler, interruptedExitCode, wasInterrupted } from "./interrupt.mjs";

// One entry per command, each loaded only when it runs: `--version` and `render` never load
// the Kubernetes client.
const runners = {
  up: () => import("./up.mjs"),
  render: () => import("./render.mjs"),
  deploy: () => import("./deploy.mjs"),
  diff: () => import("./diff.mjs"),
  upgrade: () => import("./upgrade.mjs"),
  reset: () => import("./reset.mjs"),
  doctor: () => import("./doctor.mjs"),
  adopt: () => import("./adopt.mjs"),
  compare: () => import("./compare.mjs"),
  schema: () => import("./schema.mjs"),
  bench: () => import("./bench.mjs"),
};

/** Help and version go through the same checked stdout as everything else. */
const streams = { stdout: write, stderr: (text) => process.stderr.write(text) };

/** `--help > /dev/full` is a failure to say so, not a stack trace. */
function exitingOnOutputFailure(parse) {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof OutputError)) throw err;
    warn(err.message);
    process.exit(1);
  }
}

function hangarVersion() {
  return JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version;
}

/** `hangar <command> [options]`. */
export async function runHangar(argv) {
  const chosen = exitingOnOutputFailure(() => parseSubcommand(argv, { version: hangarVersion(), streams }));
  if (!chosen.ok) process.exit(chosen.exitCode);
  await runCommand(chosen.command.name, chosen.rest, `hangar ${chosen.command.name}`);
}

/** `scripts/<command>.mjs [options]`: the same command under its script's name. */
export async function runScript(name, scriptPath) {
  await runCommand(name, process.argv.slice(2), relative(process.cwd(), scriptPath) || scriptPath);
}

/** The parsed options of a command that is no `hangar` subcommand (the benchmarks' parts), or exit. */
export function optionsOrExit(name, scriptPath) {
  return parsedOrExit(name, process.argv.slice(2), relative(process.cwd(), scriptPath) || scriptPath);
}

function parsedOrExit(name, argv, invokedAs) {
  const parsed = exitingOnOutputFailure(() => parseCommandLine(name, argv, { version: hangarVersion(), invokedAs, streams }));
  if (!parsed.ok) process.exit(parsed.exitCode);
  const options = parsed.options;
  options.colour = colourEnabled({ flag: options.color, env: process.env, isTTY: Boolean(process.stdout.isTTY) });
  return options;
}

async function runCommand(name, argv, invokedAs) {
  const options = parsedOrExit(name, argv, invokedAs);
  useColour(options.colour);
  installInterruptHandler();
  const command = await runners[name]();
  try {
    await command.run(options);
  } catch (err) {
    warn(paint.red(err.message));
    process.exitCode = command.failureExitCode ?? 1;
  }
  if (wasInterrupted()) process.exitCode = interruptedExitCode;
}
