// Errors not hidden: output that cannot be written, a kubeconfig or declaration that does not
// parse, and values no one meant are each one short line naming the file, the place and the
// problem, with a non-zero exit.
import t from "tap";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, openSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hangar, hangarBin, hangarEnv, type Run } from "./helpers/hangar.ts";
import { edits, examplePath } from "./helpers/example.ts";
import { aliasExpansionLimit } from "../lib/homelab/aliases.ts";

function shell(script: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", script, "bash", hangarBin, examplePath], { env: hangarEnv() });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

t.test("a stdout that cannot take the output: exit 1 and a message; a reader that left: quiet", async (t) => {
  const full = openSync("/dev/full", "w");
  t.teardown(() => closeSync(full));
  for (const args of [["render", "--config", examplePath], ["--version"], ["up", "--help"]]) {
    const run = await hangar(args, { stdio: ["ignore", full, "pipe"] });
    t.equal(run.code, 1, `${args.join(" ")} > /dev/full`);
    t.match(run.stderr, "cannot write to standard output (ENOSPC)", `${args.join(" ")} > /dev/full`);
  }
  const closed = await shell('"$1" render --config "$2" >&-');
  t.equal(closed.code, 1, "render >&-");
  t.equal(closed.stderr, "error: standard output is closed; hangar reports on it (send it to a file or to /dev/null)\n");
  const head = await shell('"$1" render --config "$2" | head -1; echo "exit ${PIPESTATUS[0]}"');
  t.equal(head.stdout, "Talos (talosctl, in order)\nexit 0\n", "| head: the reader wanted one line; no error");
  t.notMatch(head.stderr, /cannot write|EPIPE/);
});

t.test("a kubeconfig that does not parse is named with its line and column", async (t) => {
  const dir = t.testdir();
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(kubeconfig, "apiVersion: v1\nclusters:\n- cluster:\n server: https://127.0.0.1:1\n  - oops\n");
  const flag = await hangar(["deploy", "--config", examplePath, "--kubeconfig", kubeconfig]);
  t.equal(flag.code, 1);
  t.equal(flag.stderr, `${kubeconfig}:4:2 (--kubeconfig): the kubeconfig is not valid YAML: bad indentation of a sequence entry\n`);
  const good = join(dir, "good");
  writeFileSync(good, "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n");
  const env = await hangar(["diff", "--config", examplePath], { env: hangarEnv({ KUBECONFIG: `${good}:${kubeconfig}` }) });
  t.equal(env.code, 1);
  t.equal(env.stderr, `${kubeconfig}:4:2 (KUBECONFIG): the kubeconfig is not valid YAML: bad indentation of a sequence entry\n`, "the broken one of several");
});

t.test("YAML aliases: a missing anchor, a circle and an alias bomb, each at the alias", async (t) => {
  const dir = t.testdir();
  const layers = ["a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]"];
  for (let layer = 1; layer < 6; layer++) layers.push(`${"abcdef"[layer]}: &${"abcdef"[layer]} [${Array(10).fill(`*${"abcdef"[layer - 1]}`).join(", ")}]`);
  const cases: [string, string, string][] = [
    ["missing", edits(["role: controlplane", "role: *role"]), "24:11 yaml: alias *role has no anchor &role before it"],
    ["circle", edits(["  metallb:\n", "  metallb: &m\n    again: *m\n"]), "34:12 yaml: alias *m is inside the value it names, which would contain itself forever"],
    ["bomb", `${layers.join("\n")}\n`, `4:36 yaml: aliases expand to more than ${aliasExpansionLimit} values by here (at *c); write the values out, a declaration is not that large`],
  ];
  for (const [name, text, message] of cases) {
    const config = join(dir, `${name}.yaml`);
    writeFileSync(config, text);
    const run = await hangar(["render", "--config", config]);
    t.equal(run.code, 1, name);
    t.equal(run.stderr, `${config}:${message}\n`, name);
  }
});

t.test("a binary or megabyte-long declaration: a few short lines, control bytes escaped", async (t) => {
  const dir = t.testdir();
  // 900 KB of bytes that look random, the same on every run.
  const chunks: Buffer[] = [];
  for (let index = 0; chunks.length < 900 * 1024 / 32; index++) chunks.push(createHash("sha256").update(String(index)).digest());
  const binary = join(dir, "binary.yaml");
  writeFileSync(binary, Buffer.concat(chunks));
  const long = join(dir, "long.yaml");
  writeFileSync(long, edits(["name: home-01\n", `name: ${"x".repeat(900 * 1024)}\n`]));
  const control = join(dir, "control.yaml");
  writeFileSync(control, edits(["addons:\n", "addons:\n  \x1b]0;owned\x07\x1b[31m: 1\n"]));
  for (const config of [binary, long, control]) {
    const run = await hangar(["render", "--config", config]);
    t.equal(run.code, 1, config);
    t.ok(run.stderr.split("\n").length <= 22, `${config}: at most 20 problems and a count`);
    t.notMatch(run.stderr, /[\x00-\x09\x0b-\x1f\x7f-\x9f]/, `${config}: no control byte reaches the terminal`);
    for (const line of run.stderr.trimEnd().split("\n")) t.ok(line.length <= 500, `${config}: a line of ${line.length} characters`);
  }
  const shown = await hangar(["render", "--config", control]);
  t.match(shown.stderr, "addons.\\x1b]0;owned\\x07\\x1b[31m: is not a known field");
  const many = await hangar(["render", "--config", binary]);
  t.match(many.stderr, new RegExp(`${binary}: … and \\d+ more problems\\n$`), "the first 20 problems, then a count");
  const cut = await hangar(["render", "--config", long]);
  t.match(cut.stderr, /cluster\.name: .* \(got "x{76}…\)/, "a long value is quoted by its start");
});

t.test("values no one meant: 1e400 is too large, a reversed range is reversed", async (t) => {
  const dir = t.testdir();
  const cases: [string, string, string][] = [
    ["huge", edits(["defaultClass: true", "defaultClass: true\n    replicas: 1e400"]), "47:5 addons.ingressNginx.replicas: is too large to be a number (it reads as infinity)"],
    ["dhcp", edits(["start: 10.0.0.100", "start: 10.0.0.249"], ["end: 10.0.0.249", "end: 10.0.0.100"]), "20:5 network.dhcpRange.end: 10.0.0.100 is before start 10.0.0.249: the range is reversed; swap start and end"],
    ["pool", edits(["[10.0.0.3/32]", "[10.0.0.9-10.0.0.3]"]), "37:21 addons.metallb.pools[0].addresses[0]: 10.0.0.9-10.0.0.3 is reversed: its first address comes after its last; write 10.0.0.3-10.0.0.9"],
  ];
  for (const [name, text, message] of cases) {
    const config = join(dir, `${name}.yaml`);
    writeFileSync(config, text);
    const run = await hangar(["render", "--config", config]);
    t.equal(run.code, 1, name);
    t.match(run.stderr, `${config}:${message}\n`, name);
  }
});
