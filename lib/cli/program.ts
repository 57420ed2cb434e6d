// The one command-line parser every hangar entry point uses, on commander: --help/-h with a
// usage line, every option and examples; --version; typed values; unknown options and stray
// words refused with a suggestion and exit code 2 before the command does anything.
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { commandSpec, commands, commonOptions, type CommandSpec, type OptionSpec } from "./commands.ts";
import { closest, parseAssignment, parseBoolean, parseDuration, parseNonEmpty, parsePositiveInteger, ValueError } from "./values.ts";
import { interfaceNameProblem } from "../homelab/rules.ts";

/** Exit code for command-line misuse (as in BSD sysexits' usage convention and most CLIs). */
export const usageExitCode = 2;

export interface Streams {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processStreams: Streams = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export type Parsed = { ok: true; options: Record<string, any> } | { ok: false; exitCode: number };

interface ProgramOptions {
  version: string;
  /** How the command is called in messages: "hangar up" or "up.mjs". */
  invokedAs?: string;
  streams?: Streams;
}

/** Parses argv (without node and the script) for one command; prints help, version or the error. */
export function parseCommandLine(name: string, argv: readonly string[], options: ProgramOptions): Parsed {
  const spec = commandSpec(name);
  const streams = options.streams ?? processStreams;
  const invokedAs = options.invokedAs ?? `hangar ${name}`;
  const program = buildCommand(spec, invokedAs, options.version, streams);
  const refused = parseOrRefuse(program, argv);
  if (refused) return refused;
  const parsed = program.opts();
  for (const rule of spec.rules ?? []) {
    const problem = rule(parsed);
    if (problem) {
      streams.stderr(`error: ${problem}\n(run ${invokedAs} --help for usage)\n`);
      return { ok: false, exitCode: usageExitCode };
    }
  }
  return { ok: true, options: parsed };
}

/** commander ends help, version and misuse by throwing: those become an exit code (0, or 2 for misuse). */
function parseOrRefuse(program: Command, argv: readonly string[]): { ok: false; exitCode: number } | undefined {
  try {
    program.parse([...argv], { from: "user" });
    return undefined;
  } catch (error) {
    if (error instanceof CommanderError) return { ok: false, exitCode: error.exitCode === 0 ? 0 : usageExitCode };
    throw error;
  }
}

/** The script-side wrapper: parsed options, or the process ends here with the right code. */
export function commandLineOrExit(name: string, argv: readonly string[], options: ProgramOptions): Record<string, any> {
  const parsed = parseCommandLine(name, argv, options);
  if (!parsed.ok) process.exit(parsed.exitCode);
  return parsed.options;
}

/** commander, with its misuse messages in hangar's words: the flag, the value, what is wrong. */
class HangarCommand extends Command {
  override error(message: string, errorOptions?: { code?: string; exitCode?: number }): never {
    const invalid = /^error: option '(-\S+, )?(--[\w-]+)[^']*' argument '([^']*)' is invalid\. (.*)$/s.exec(message);
    if (invalid) return super.error(`error: ${invalid[2]} ${JSON.stringify(invalid[3])}: ${invalid[4]}`, errorOptions);
    if (errorOptions?.code === "commander.excessArguments") {
      const word = this.args[0] ?? "";
      const names = this.options.map((option) => option.long?.replace(/^--/, "") ?? "");
      const hint = closest(word.replace(/^-*/, ""), names);
      return super.error(`error: unexpected word ${JSON.stringify(word)}: ${this.name()} takes options only${hint ? `\n(Did you mean --${hint}?)` : ""}`, errorOptions);
    }
    return super.error(message, errorOptions);
  }
}

function buildCommand(spec: CommandSpec, invokedAs: string, version: string, streams: Streams): Command {
  const program = new HangarCommand(invokedAs)
    .description(spec.summary)
    .usage("[options]")
    .exitOverride()
    .allowExcessArguments(false)
    .showSuggestionAfterError(true)
    .showHelpAfterError(`(run ${invokedAs} --help for usage)`)
    .configureOutput({ writeOut: streams.stdout, writeErr: streams.stderr })
    .helpOption("-h, --help", "show this help and exit")
    .configureHelp({ optionTerm: (option) => termOf(option), sortOptions: false });
  for (const option of [...spec.options, ...commonOptions]) program.addOption(toOption(option));
  program.version(version, "--version", "print hangar's version and exit");
  const examples = spec.examples.map((example) => `  ${invokedAs} ${example}`.trimEnd());
  program.addHelpText(
    "after",
    `\nFlags take no value (--dry-run) or say it outright (--dry-run=false). Durations: 30s, 5m, 1h.\n\nExamples:\n${examples.join("\n")}\n`,
  );
  return program;
}

/** Flags show as `--dry-run`, not with their optional `[true|false]` value. */
function termOf(option: Option): string {
  return option.flags.replace(/ \[true\|false\]$/, "");
}

function toOption(spec: OptionSpec): Option {
  const short = spec.short ? `-${spec.short}, ` : "";
  // Negated by commander: `color` is false after --no-color or --no-color=true, true after --no-color=false.
  if (spec.name === "no-color") return new Option("--no-color [true|false]", spec.description).argParser(guard((text: string) => !parseBoolean(text)));
  if (spec.kind === "flag") return new Option(`${short}--${spec.name} [true|false]`, spec.description).argParser(guard(parseBoolean));
  const option = new Option(`${short}--${spec.name} <${spec.placeholder ?? "value"}>`, spec.description);
  if (spec.kind === "assignment") {
    const one = guard(parseAssignment);
    return option.argParser((text: string, previous: Record<string, string> | undefined) => {
      const [name, value] = one(text);
      return { ...previous, [name]: value };
    });
  }
  const parse: (text: string) => unknown = {
    text: parseNonEmpty,
    duration: (text: string) => parseDuration(text, spec.minimumMs),
    count: parsePositiveInteger,
    assignment: parseNonEmpty,
    interface: (text: string) => {
      const problem = interfaceNameProblem(text);
      if (problem) throw new ValueError(problem);
      return text;
    },
  }[spec.kind];
  option.argParser(guard(parse));
  if (spec.default !== undefined) option.default(spec.kind === "duration" ? parse(String(spec.default)) : spec.default, String(spec.default));
  return option;
}

/** commander reports InvalidArgumentError as a usage error; ours become that. */
function guard<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (error) {
      if (error instanceof ValueError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}

/** The `hangar` dispatcher: which subcommand, or exit (help, version, unknown command). */
export function parseSubcommand(argv: readonly string[], options: ProgramOptions): { ok: true; command: CommandSpec; rest: string[] } | { ok: false; exitCode: number } {
  const streams = options.streams ?? processStreams;
  let chosen: { command: CommandSpec; rest: string[] } | undefined;
  const program = new Command("hangar")
    .description("a homelab from bare metal to a Talos Kubernetes cluster with MetalLB and an entry point, as code")
    .usage("<command> [options]")
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: streams.stdout, writeErr: streams.stderr })
    .helpOption("-h, --help", "show this help and exit")
    .version(options.version, "--version", "print hangar's version and exit")
    .configureHelp({ subcommandTerm: (command) => command.name() })
    .addHelpText("after", "\nRun hangar <command> --help for a command's options.\n");
  program.addHelpCommand(false);
  for (const command of commands.filter((candidate) => !candidate.hidden)) {
    program
      .command(command.name)
      .description(command.summary)
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .argument("[args...]")
      .action((_args: string[], _options: unknown, sub: Command) => {
        chosen = { command, rest: sub.args };
      });
  }
  if (argv.length === 0) {
    streams.stderr(program.helpInformation());
    return { ok: false, exitCode: usageExitCode };
  }
  // An unknown command is misuse whatever follows it (`hangar upp --help` too): commander would
  // print the help and exit 0, so it hears the command word alone.
  const [first] = argv;
  const unknown = first !== undefined && !first.startsWith("-") && !commands.some((command) => command.name === first && !command.hidden);
  const refused = parseOrRefuse(program, unknown ? [first] : argv);
  if (refused) return refused;
  if (!chosen) return { ok: false, exitCode: usageExitCode };
  return { ok: true, ...chosen };
}
