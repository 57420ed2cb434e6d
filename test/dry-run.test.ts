// The README's first command: up.mjs --dry-run renders every flight with the built bundles,
// writes inputs and exact outputs, and prints the plan in dependency order.
import t from "tap";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { builtFlight } from "./helpers/dist.ts";
import { edits, examplePath } from "./helpers/example.ts";

const upScript = fileURLToPath(new URL("../scripts/up.mjs", import.meta.url));
const flightNames = ["metallb", "metallb-pool", "ingress-nginx"];

function up(...args: string[]) {
  return spawnSync(process.execPath, [upScript, ...args], { encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } });
}

t.test("dry run writes every flight's input and exact output and prints the plan", async (t) => {
  const out = t.testdir();
  const run = up("--dry-run", "--out", out, "--config", examplePath);
  t.equal(run.status, 0, run.stderr);
  for (const name of flightNames) {
    const input = readFileSync(join(out, "flights", `${name}.input.json`), "utf8");
    const saved = readFileSync(join(out, "flights", `${name}.json`), "utf8");
    const again = spawnSync(process.execPath, [builtFlight(name), name], { input, encoding: "utf8" });
    t.equal(again.stdout, saved, `${name}: the built flight reproduces the saved output`);
  }
  const headings = run.stdout.split("\n").filter((line) => /^\d+\. /.test(line));
  t.same(
    headings.map((line) => line.split(" ")[1]),
    flightNames,
    "flights listed in dependency order",
  );
  t.match(run.stdout, /stage 1: \d+ resources\n\s+Namespace metallb-system/);
  t.match(run.stdout, /IPAddressPool metallb-system\/lan/);
  t.match(run.stderr, /ingress-nginx: .*retired/);
});

t.test("a bad declaration stops before anything is rendered or written", async (t) => {
  const dir = t.testdir();
  const config = join(dir, "homelab.yaml");
  writeFileSync(config, edits(["address: 10.0.0.2", "address: 10.0.0.150"], ["logLevel: info", "logLevel: info\n    colour: red"]));
  const out = join(dir, "out");
  const run = up("--dry-run", "--out", out, "--config", config);
  t.equal(run.status, 1);
  t.equal(run.stdout, "");
  t.equal(run.stderr, `${config}:35:5 addons.metallb.colour: is not a known field; check its spelling (known fields: logLevel, pools, l2Advertisements)\n`);
  t.notOk(existsSync(out), "nothing written");
});

t.test("a missing declaration file is one clear line", async (t) => {
  const run = up("--dry-run", "--config", "/nonexistent/homelab.yaml");
  t.equal(run.status, 1);
  t.equal(run.stderr, "/nonexistent/homelab.yaml: cannot read the declaration (ENOENT)\n");
});

t.test("--out refuses a folder of someone else's files before rendering, and re-runs into its own", async (t) => {
  const dir = t.testdir();
  const mine = join(dir, "notes");
  mkdirSync(join(mine, "talos"), { recursive: true });
  writeFileSync(join(mine, "talos", "my-patch.yaml"), "keep: me\n");
  const refused = up("--dry-run", "--out", mine, "--config", examplePath);
  t.equal(refused.status, 1);
  t.equal(refused.stdout, "", "nothing rendered or printed");
  t.equal(refused.stderr, `--out ${mine}: holds files hangar did not write (talos); pick a new or empty folder, or one hangar wrote before\n`);
  t.equal(readFileSync(join(mine, "talos", "my-patch.yaml"), "utf8"), "keep: me\n");

  const out = join(dir, "out");
  t.equal(up("--dry-run", "--out", out, "--config", examplePath).status, 0);
  const again = up("--dry-run", "--out", out, "--config", examplePath);
  t.equal(again.status, 0, again.stderr);
  t.ok(existsSync(join(out, "flights", "metallb.json")));
});
