// The README matches the program: its error samples are what hangar prints for the declarations
// they come from, its quick start runs, its command table lists every command, and
// examples/gateway.yaml is what it says: the example homelab plus the Gateway.
import t from "tap";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawn } from "node:child_process";
import { hangar, hangarEnv, type Run } from "./helpers/hangar.ts";
import { edits, examplePath, exampleText } from "./helpers/example.ts";
import { commands } from "../lib/cli/commands.ts";
import { parseHomelab } from "../lib/homelab/load.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const readme = readFileSync(join(root, "README.md"), "utf8");

/** The fenced block that follows `heading` (a sentence of the README). */
function blockAfter(heading: string): string {
  const at = readme.indexOf(heading);
  if (at < 0) throw new Error(`README has no ${JSON.stringify(heading)}`);
  const block = /```[a-z]*\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!block) throw new Error(`no code block after ${JSON.stringify(heading)}`);
  return block[1]!;
}

t.test("the declaration error sample is hangar's output for the declaration it comes from", async (t) => {
  const dir = t.testdir();
  // The node moved into the DHCP range, ingress-nginx off its pool: the two samples.
  writeFileSync(join(dir, "homelab.yaml"), edits(["address: 10.0.0.2", "address: 10.0.0.130"], ["    address: 10.0.0.3", "    address: 10.0.0.7"]));
  const run = await hangar(["render"], { cwd: dir });
  t.equal(run.code, 1);
  t.equal(run.stderr, blockAfter("Every problem is reported at once"));
  t.equal(run.stdout, "");
});

t.test("the misuse sample is hangar's output", async (t) => {
  const sample = /suggestion: `(error: unknown option '--dryrun')` \/ `(\(Did you mean --dry-run\?\))`/.exec(readme.replace(/\n\s*/g, " "));
  t.ok(sample, "the README shows the sample");
  const run = await hangar(["up", "--dryrun"]);
  t.equal(run.code, 2);
  t.equal(run.stderr.split("\n").slice(0, 2).join("\n"), `${sample![1]}\n${sample![2]}`);
});

t.test("the quick start runs as written, from a copy of the project's declaration", async (t) => {
  const command = /```sh\nnpm ci && (\.\/scripts\/up\.mjs [^\n]*)\n```/.exec(readme);
  t.ok(command, "the quick start is npm ci, then one command");
  const dir = t.testdir();
  cpSync(examplePath, join(dir, "homelab.yaml"));
  const [script, ...args] = command![1]!.split(" ");
  const run = await new Promise<Run>((resolve) => {
    const child = spawn(join(root, script!), args, { cwd: dir, env: hangarEnv() });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, "hangar plan for home-01 (homelab.yaml)");
  t.ok(existsSync(join(dir, "out", "flights", "metallb.json")), "out/flights/");
  t.ok(existsSync(join(dir, "out", "talos", "commands.sh")), "out/talos/");
});

t.test("the command table lists every command, each with its script", async (t) => {
  const table = readme.slice(readme.indexOf("| command | script | what it does |"));
  const rows = table.split("\n").filter((line) => line.startsWith("| `hangar "));
  const listed = rows.flatMap((row) => [...row.split("|")[1]!.matchAll(/`hangar ([a-z-]+)`/g)].map((match) => match[1]!));
  t.same(listed.sort(), commands.filter((command) => !command.hidden).map((command) => command.name).sort());
  for (const row of rows) {
    const script = /`(scripts\/[a-z-]+\.mjs)`/.exec(row.split("|")[2]!)?.[1];
    if (script) t.ok(existsSync(join(root, script)), script);
  }
});

t.test("examples/gateway.yaml is the example homelab, its pool widened and the Gateway added", async (t) => {
  const example = parseHomelab(exampleText, "homelab.yaml").homelab;
  const gateway = parseHomelab(readFileSync(join(root, "examples", "gateway.yaml"), "utf8"), "gateway.yaml").homelab;
  t.match(readme, "`examples/gateway.yaml` is the example homelab with both: its pool widened to\n`10.0.0.3-10.0.0.4` and the Gateway on `10.0.0.4`, nothing else changed.");
  const expected = structuredClone(example);
  expected.addons.metallb.pools[0]!.addresses = ["10.0.0.3-10.0.0.4"];
  expected.addons.gateway = { address: "10.0.0.4", pool: "lan" };
  t.strictSame(gateway, expected);
});
