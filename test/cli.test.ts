// Every entry point, table-driven from lib/cli/commands.ts: --help prints usage, every option
// and examples and exits 0; an unknown option, a misspelled flag, a stray word and a bad value
// of every typed option exit 2 with a message. None of them may reach a cluster or a node: the
// fake API server (the kubeconfig of every run) and the fake talosctl (first on PATH) record
// every request and call, and both records must stay empty.
import t from "tap";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { commands, commonOptions, type CommandSpec, type OptionSpec } from "../lib/cli/commands.ts";
import { parseCommandLine } from "../lib/cli/program.ts";
import { fakeCluster } from "./helpers/cluster.ts";
import { examplePath } from "./helpers/example.ts";

// About two hundred short node processes, two at a time: under a shared machine's load this can
// take minutes, which says nothing about correctness; no assertion here depends on time.
t.setTimeout(600_000);

const scripts = fileURLToPath(new URL("../scripts/", import.meta.url));
const fakeTalosctl = fileURLToPath(new URL("./doubles/fake-talosctl/bin", import.meta.url));

interface Case {
  what: string;
  args: string[];
  code: number;
  stdout?: (string | RegExp)[];
  stderr?: (string | RegExp)[];
}

const badValues: Record<OptionSpec["kind"], string[]> = {
  flag: ["maybe", "1"],
  duration: ["abc", "0", "-5s", "10x"],
  count: ["0", "-1", "2.5", "many"],
  interface: ["has space", "sixteen-chars-xx", "a/b"],
  text: [""],
  assignment: ["metallb", "=helm_release.metallb", "metallb="],
};

/** A flag with one letter dropped from its first word: close enough for a suggestion. */
function misspelled(name: string): string {
  const index = Math.min(2, name.length - 1);
  return name.slice(0, index) + name.slice(index + 1);
}

function cases(spec: CommandSpec): Case[] {
  const options = [...spec.options, ...commonOptions];
  const list: Case[] = [
    {
      what: "--help",
      args: ["--help"],
      code: 0,
      stdout: [`Usage: scripts/${spec.script}.mjs [options]`, "Examples:", "--version", ...options.map((option) => `--${option.name}`)],
    },
    { what: "-h", args: ["-h"], code: 0, stdout: ["Usage:"] },
    { what: "--version", args: ["--version"], code: 0, stdout: [/^\d+\.\d+\.\d+\n$/] },
    { what: "an unknown option", args: ["--frobnicate"], code: 2, stderr: ["error: unknown option '--frobnicate'", `(run scripts/${spec.script}.mjs --help for usage)`] },
    { what: "a stray word", args: ["extra"], code: 2, stderr: ['error: unexpected word "extra"'] },
  ];
  const first = spec.options[0];
  if (first) list.push({ what: `--${misspelled(first.name)}`, args: [`--${misspelled(first.name)}`], code: 2, stderr: [`Did you mean --${first.name}?`] });
  for (const option of spec.options) {
    // One bad value per option as a process; every bad value is also parsed in process below.
    const value = badValues[option.kind][0]!;
    list.push({ what: `--${option.name}=${JSON.stringify(value)}`, args: [`--${option.name}=${value}`], code: 2, stderr: [`--${option.name}`] });
    if (option.kind !== "flag") list.push({ what: `--${option.name} without a value`, args: [`--${option.name}`], code: 2, stderr: [`--${option.name}`, "argument missing"] });
  }
  return list;
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string[], env: Record<string, string | undefined>): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, command, { env, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** At most two processes at a time: the machine is shared. */
async function inBatches<T, R>(items: T[], work: (item: T) => Promise<R>, size = 2): Promise<R[]> {
  const results: R[] = [];
  for (let index = 0; index < items.length; index += size) results.push(...(await Promise.all(items.slice(index, index + size).map(work))));
  return results;
}

t.test("every entry point: help, version and misuse, before anything happens", async (t) => {
  const { server, kubeconfig } = await fakeCluster();
  t.teardown(() => server.close());
  const dir = t.testdir();
  const talosState = join(dir, "talosctl");
  mkdirSync(talosState);
  writeFileSync(join(talosState, "state.json"), JSON.stringify({ nodes: [{ state: "maintenance", maintenanceAddress: "10.0.0.2", talosVersion: "v1.13.9" }] }));
  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== "NODE_OPTIONS" && !name.startsWith("FAKE_TALOSCTL"))),
    PATH: `${fakeTalosctl}:${process.env.PATH}`,
    FAKE_TALOSCTL_STATE: talosState,
    KUBECONFIG: kubeconfig,
    HOME: dir,
    FORCE_COLOR: "0",
  };
  const all = commands.flatMap((spec) => cases(spec).map((item) => ({ spec, item })));
  const results = await inBatches(all, ({ spec, item }) => run([join(scripts, `${spec.script}.mjs`), ...item.args], env));
  all.forEach(({ spec, item }, index) => {
    const result = results[index]!;
    const name = `${spec.script}.mjs ${item.what}`;
    t.equal(result.code, item.code, `${name}: exit ${item.code}`, { stderr: result.stderr });
    for (const expected of item.stdout ?? []) t.match(result.stdout, expected, `${name}: stdout`);
    for (const expected of item.stderr ?? []) t.match(result.stderr, expected, `${name}: stderr`);
    if (item.code === 2) t.equal(result.stdout, "", `${name}: nothing on stdout`);
  });

  // The hangar command: its own help and misuse, and each subcommand's through it.
  const hangar = join(scripts, "hangar.mjs");
  const top = await inBatches(
    [["--help"], [], ["upp"], ["--version"], ["up", "--help"], ["reset", "--wipe-disk=no"], ["deploy", "--dryrun"], ["diff", "--prune"]],
    (args) => run([hangar, ...args], env),
  );
  t.equal(top[0]!.code, 0);
  for (const spec of commands.filter((command) => !command.hidden)) t.match(top[0]!.stdout, new RegExp(`^  ${spec.name}\\s`, "m"), `hangar --help lists ${spec.name}`);
  t.equal(top[1]!.code, 2, "hangar alone: usage on stderr, exit 2");
  t.match(top[1]!.stderr, "Usage: hangar <command> [options]");
  t.equal(top[2]!.code, 2);
  t.match(top[2]!.stderr, "error: unknown command 'upp'\n(Did you mean up?)");
  t.match(top[3]!.stdout, /^\d+\.\d+\.\d+\n$/);
  t.equal(top[4]!.code, 0);
  t.match(top[4]!.stdout, "Usage: hangar up [options]");
  t.match(top[4]!.stdout, "hangar up --dry-run --out out");
  t.equal(top[5]!.code, 2);
  t.match(top[5]!.stderr, 'error: --wipe-disk "no": expected true or false');
  t.equal(top[6]!.code, 2);
  t.match(top[6]!.stderr, "(Did you mean --dry-run?)");
  t.equal(top[7]!.code, 2);

  t.same(server.requests, [], "no request reached the API server");
  t.notOk(existsSync(join(talosState, "calls.json")), "talosctl was never called");
});

t.test("every bad value of every typed option, parsed in process: exit 2 and a line naming the flag", async (t) => {
  for (const spec of commands) {
    for (const option of spec.options) {
      for (const value of badValues[option.kind]) {
        const errors: string[] = [];
        const parsed = parseCommandLine(spec.name, [`--${option.name}=${value}`], { version: "0.0.0", streams: { stdout: () => undefined, stderr: (text) => void errors.push(text) } });
        t.same(parsed, { ok: false, exitCode: 2 }, `${spec.name} --${option.name}=${JSON.stringify(value)}`);
        t.match(errors.join(""), `--${option.name}`);
      }
    }
  }
});

t.test("strict values: a flag is true alone or =true, false only when said, and options combine sensibly", async (t) => {
  const env = { ...process.env, NODE_OPTIONS: "", FORCE_COLOR: "0" };
  const dir = t.testdir();
  const render = await run([join(scripts, "up.mjs"), "--dry-run=false", "--out", join(dir, "out"), "--config", examplePath], env);
  t.equal(render.code, 2, "--dry-run=false is not a dry run, and --out needs one");
  t.match(render.stderr, "error: --out only applies with --dry-run");
  const both = await run([join(scripts, "deploy.mjs"), "--dry-run", "--diff", "--config", examplePath], env);
  t.equal(both.code, 2);
  t.match(both.stderr, "error: --dry-run and --diff cannot be used together");
  const count = await run([join(scripts, "doctor.mjs"), "--count", "3"], env);
  t.equal(count.code, 2);
  t.match(count.stderr, "error: --count only applies with --watch");
});
