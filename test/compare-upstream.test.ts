// The comparison run against what the charts of helmfile.yaml render (../shared/upstream/helm-renders,
// and helm-renders-alt for the alternate homelab): hangar's flights differ from them only where
// declared, no field at all differs, and a changed input shows up, as a restart, and fails the run.
import t, { type Test } from "tap";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compareStacks, undeclared } from "../lib/compare/compare.ts";
import { formatReport } from "../lib/compare/report.ts";
import { installedReleases, parseHelmfile } from "../lib/compare/helmfile.ts";
import { releasesFromFiles } from "../lib/compare/reference.ts";
import { renderPlan } from "../lib/flight/plan.ts";
import { flights as registry } from "../flights/index.ts";
import { parseHomelab } from "../lib/homelab/load.ts";
import { impactOf } from "../lib/compare/impact.ts";
import type { Resource } from "../lib/flight/contract.ts";
import { edits, exampleText } from "./helpers/example.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));
const upstream = join(repo, "..", "shared", "upstream");
const script = join(repo, "scripts", "compare.mjs");
const allReleases = parseHelmfile(readFileSync(join(repo, "helmfile.yaml"), "utf8"), "helmfile.yaml");

const renders = join(upstream, "helm-renders");
const alternateRenders = join(upstream, "helm-renders-alt");
const alternateConfig = join(repo, "test", "fixtures", "homelab-alt.yaml");

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [script, ...args], { encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function configFile(t: Test, text: string): string {
  const path = join(t.testdir(), "homelab.yaml");
  writeFileSync(path, text);
  return path;
}

for (const [label, reference, config] of [["example", renders, join(repo, "homelab.yaml")], ["alternate", alternateRenders, alternateConfig]] as const) {
  t.test(`the ${label} homelab differs from the chart renders only where declared, in no field`, async (t) => {
    const files = ["metallb", "ingress-nginx"].map((release) => ({ path: `${release}/manifest.yaml`, text: readFileSync(join(reference, release, "manifest.yaml"), "utf8") }));
    const { homelab } = parseHomelab(readFileSync(config, "utf8"), config);
    const comparison = compareStacks({
      flights: renderPlan(homelab, registry),
      upstream: releasesFromFiles(files, reference),
      helmfile: installedReleases(allReleases, homelab.addons),
    });
    const context = { upstreamLabel: "reference", upstreamSource: reference, hangarMs: 0, upstreamMs: 0, flights: 3, releases: 2 };
    t.same(undeclared(comparison), [], formatReport(comparison, context));
    t.same(comparison.findings.filter((finding) => finding.difference.type === "fact"), [], "not one field differs: a takeover changes no pod template");
    t.ok(comparison.matched.length >= 43, `${comparison.matched.length} objects matched`);
    t.same(comparison.notCompared.map((skipped) => skipped.flight), ["metallb-pool"], "the pool is not in the chart renders");
  });

  t.test(`compare.mjs --reference ${label}: exit 0 and a report with render times`, async (t) => {
    const { status, stdout, stderr } = run("--reference", reference, "--config", config);
    t.equal(status, 0, stderr || stdout);
    t.match(stdout, /^hangar vs reference: rendered manifests in /);
    t.match(stdout, /render time +hangar [\d.]+ m?s \(3 flights, \d+ objects\) +reference [\d.]+ m?s \(2 releases, \d+ objects\)/);
    t.match(stdout, /fields: 0 differences/);
    t.match(stdout, /summary: 10 differences, 10 declared, 0 undeclared\n$/);
  });
}

t.test("CRDs rendered without their descriptions are reported, undeclared, one cosmetic difference per description", async (t) => {
  const files = ["metallb", "ingress-nginx"].map((release) => ({ path: `${release}/manifest.yaml`, text: readFileSync(join(renders, release, "manifest.yaml"), "utf8") }));
  const { homelab } = parseHomelab(exampleText, "homelab.yaml");
  const stripped = renderPlan(homelab, registry).map((flight) => ({ ...flight, stages: flight.stages.map((stage) => stage.map((resource) => withoutDescriptions(resource) as Resource)) }));
  const comparison = compareStacks({ flights: stripped, upstream: releasesFromFiles(files, renders), helmfile: installedReleases(allReleases, homelab.addons) });
  const lost = undeclared(comparison).map((finding) => finding.difference).filter((difference) => difference.type === "fact");
  t.equal(lost.length, 201, "MetalLB's 201 descriptions");
  t.ok(lost.every((difference) => /^version v1beta\d: description \./.test(difference.fact) && difference.hangar === undefined && impactOf(difference) === "cosmetic"));
  t.match(formatReport(comparison, { upstreamLabel: "reference", upstreamSource: renders, hangarMs: 0, upstreamMs: 0, flights: 3, releases: 2 }), /fields by impact: cosmetic 201\n?$/);
});

/** The value without any string-valued `description` key. */
function withoutDescriptions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDescriptions);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).filter(([key, child]) => key !== "description" || typeof child !== "string").map(([key, child]) => [key, withoutDescriptions(child)]));
}

t.test("a changed flight input is reported as a pod restart and fails the run", async (t) => {
  const config = configFile(t, edits(["    logLevel: info", "    logLevel: debug"]));
  const { status, stdout } = run("--reference", renders, "--config", config);
  t.equal(status, 1);
  t.match(stdout, /DaemonSet metallb-system\/metallb-speaker\n(.*\n)*? {4}container speaker: arg --log-level  \[restarts pods\]\n +hangar debug +reference info\n +UNDECLARED/);
  t.match(stdout, /Deployment metallb-system\/metallb-controller\n(.*\n)*? {4}container controller: arg --log-level  \[restarts pods\]\n +hangar debug +reference info\n +UNDECLARED/);
  t.match(stdout, /summary: \d+ differences, \d+ declared, [1-9]\d* undeclared\nfields by impact: restarts pods 2\n$/);
});

t.test("without helmfile on PATH and without --reference: one line, exit 2", async (t) => {
  const emptyPath = t.testdir();
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
