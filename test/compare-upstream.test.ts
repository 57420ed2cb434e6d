// The comparison run against the upstream release manifests: hangar's flights for the example
// homelab differ from them only where declared, and a changed input shows up and fails the run.
import t from "tap";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compareStacks, undeclared } from "../lib/compare/compare.ts";
import { formatReport } from "../lib/compare/report.ts";
import { parseHelmfile } from "../lib/compare/helmfile.ts";
import { parseManifests } from "../lib/compare/manifests.ts";
import { renderPlan } from "../lib/flight/plan.ts";
import { flights as registry } from "../flights/index.ts";
import { parseHomelab } from "../lib/homelab/load.ts";
import { edits, exampleText } from "./helpers/example.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));
const upstream = join(repo, "..", "shared", "upstream");
const script = join(repo, "scripts", "compare.mjs");
const helmfile = parseHelmfile(readFileSync(join(repo, "helmfile.yaml"), "utf8"), "helmfile.yaml");

/** The upstream files in the layout `helmfile template --output-dir-template` writes: a folder per release. */
function referenceDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "hangar-reference-"));
  const releases: [release: string, file: string][] = [
    ["metallb", "metallb-native-v0.16.1.yaml"],
    ["ingress-nginx", "ingress-nginx-cloud-controller-v1.15.1.yaml"],
  ];
  for (const [release, file] of releases) {
    mkdirSync(join(dir, release));
    copyFileSync(join(upstream, file), join(dir, release, file));
  }
  return dir;
}

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [script, ...args], { encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function configFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "hangar-config-")), "homelab.yaml");
  writeFileSync(path, text);
  return path;
}

t.test("the example differs from the upstream manifests only where declared", async (t) => {
  const reference = (file: string) => parseManifests(readFileSync(join(upstream, file), "utf8"), file);
  const comparison = compareStacks({
    flights: renderPlan(parseHomelab(exampleText, "homelab.yaml").homelab, registry),
    upstream: [
      { name: "metallb", objects: reference("metallb-native-v0.16.1.yaml") },
      { name: "ingress-nginx", objects: reference("ingress-nginx-cloud-controller-v1.15.1.yaml") },
    ],
    helmfile,
  });
  const context = { upstreamLabel: "reference", upstreamSource: "../shared/upstream", hangarMs: 0, upstreamMs: 0, flights: 3, releases: 2 };
  t.same(undeclared(comparison), [], formatReport(comparison, context));
  t.ok(comparison.matched.length >= 40, `${comparison.matched.length} objects matched`);
  t.same(comparison.notCompared, [{ flight: "metallb-pool", objects: 2 }], "the pool is not in the upstream files");
});

t.test("compare.mjs --reference: exit 0 and a report with render times", async (t) => {
  const { status, stdout, stderr } = run("--reference", referenceDir());
  t.equal(status, 0, stderr || stdout);
  t.match(stdout, /^hangar vs reference: rendered manifests in /);
  t.match(stdout, /render time +hangar [\d.]+ m?s \(3 flights, \d+ objects\) +reference [\d.]+ m?s \(2 releases, \d+ objects\)/);
  t.match(stdout, /summary: \d+ differences, \d+ declared, 0 undeclared\n$/);
});

t.test("a changed flight input is reported and fails the run", async (t) => {
  const config = configFile(edits(["    logLevel: info", "    logLevel: debug"]));
  const { status, stdout } = run("--reference", referenceDir(), "--config", config);
  t.equal(status, 1);
  t.match(stdout, /DaemonSet metallb-system\/speaker\n(.*\n)*? {4}container speaker: arg --log-level\n +hangar debug +reference info\n +UNDECLARED/);
  t.match(stdout, /Deployment metallb-system\/controller\n(.*\n)*? {4}container controller: arg --log-level\n +hangar debug +reference info\n +UNDECLARED/);
  t.match(stdout, /summary: \d+ differences, \d+ declared, [1-9]\d* undeclared\n$/);
});

t.test("without helmfile on PATH and without --reference: one line, exit 2", async (t) => {
  const emptyPath = mkdtempSync(join(tmpdir(), "hangar-path-"));
  const result = spawnSync(process.execPath, [script], { encoding: "utf8", env: { PATH: emptyPath, FORCE_COLOR: "0" } });
  t.equal(result.status, 2);
  t.equal(result.stdout, "");
  t.equal(result.stderr, "helmfile is not on PATH: install helmfile and helm, or pass --reference DIR (manifests rendered elsewhere)\n");
});

t.test("a bad reference folder: one line naming it, exit 2", async (t) => {
  const missing = join(tmpdir(), "hangar-no-such-folder");
  const { status, stderr } = run("--reference", missing);
  t.equal(status, 2);
  t.equal(stderr, `${missing}: not a folder of rendered manifests\n`);
});
