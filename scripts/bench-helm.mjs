#!/usr/bin/env node
// Benchmark (not a test): hangar against the real helmfile v1.8.0 and helm v4.3.2 (npm run tools
// builds them) for the example homelab, the charts of helmfile.yaml taken from a local folder
// (--charts, default the test suite's reference charts: no chart repository is reachable here).
// 1. Rendering: `hangar render` beside `helmfile template` and `helm template` of each release
//    with the values helmfile gives it (helmfile write-values), each a median of process runs.
// 2. Deploying, each on a fresh real kube-apiserver with played controllers and webhooks:
//    `hangar deploy` beside `helmfile sync` (helmfile.yaml's --wait and --wait-for-jobs).
// Run with `node --import tsx scripts/bench-helm.mjs` (npm run bench does).
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { root } from "./flights.mjs";
import { commandLine } from "./cli.mjs";

const options = await commandLine("bench-helm");
// TypeScript test helpers: loaded after the command line is checked (they need tsx).
const { helmTools, upstreamCharts } = await import("../test/helpers/helm-tools.ts");
const charts = options.charts ?? upstreamCharts;
if (!existsSync(charts)) {
  console.error(`bench-helm: --charts ${charts}: no such folder (the charts helmfile.yaml pins, laid out <dir>/<chart>/)`);
  process.exit(2);
}
const { playedCluster } = await import("../test/helpers/played-cluster.ts");
const { exampleText, examplePath } = await import("../test/helpers/example.ts");
const { parseHelmfile, installedReleases } = await import("../lib/compare/helmfile.ts");
const { parseHomelab } = await import("../lib/homelab/load.ts");

const runs = Number(process.env.BENCH_RUNS ?? 5);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value) => `${Math.round(value)} ms`;
const ratio = (peer, hangar) => `${(peer / hangar).toFixed(2)}x`;

/** Runs a process to its end; resolves with its wall-clock time (and its output, with `withOutput`). */
function timed(file, args, env, withOutput = false) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    execFile(file, args, { env, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(" ")} failed: ${stderr.trim().split("\n").slice(-3).join("\n") || error.message}`));
      else resolve(withOutput ? { ms: performance.now() - started, stdout } : performance.now() - started);
    });
  });
}

/** The median over BENCH_RUNS runs of `work`, which returns its own duration. */
async function medianOf(work) {
  const times = [];
  for (let run = 0; run < runs; run++) times.push(await work());
  return median(times);
}

const hangar = join(root, "scripts", "hangar.mjs");
const tools = helmTools();
try {
  const helmfile = tools.helmfileProject(exampleText, charts);
  const values = await tools.writeValues(helmfile);
  const releases = installedReleases(parseHelmfile(readFileSync(join(root, "helmfile.yaml"), "utf8"), "helmfile.yaml"), parseHomelab(exampleText, "homelab.yaml").homelab.addons);
  const chartOf = (release) => (release.chart.startsWith("./") ? join(root, release.chart) : join(charts, release.chart.split("/").pop()));

  console.log(`rendering the example homelab (${releases.length} helmfile releases, median of ${runs} runs, each a new process):`);
  const render = await medianOf(() => timed(process.execPath, [hangar, "render", "--config", examplePath], tools.env));
  console.log(`  hangar render: ${ms(render)}`);
  const helmfileTemplate = await medianOf(() => timed("helmfile", ["--file", helmfile, "template", "--include-crds"], tools.env));
  console.log(`  helmfile template: ${ms(helmfileTemplate)}`);
  // What helmfile runs for each release, one after the other.
  const helmTemplate = await medianOf(async () => {
    let total = 0;
    for (const release of releases) total += await timed("helm", ["template", release.name, chartOf(release), "--namespace", release.namespace, "--values", values(release.name), "--include-crds"], tools.env);
    return total;
  });
  console.log(`  helm template of the ${releases.length} releases, one after the other: ${ms(helmTemplate)}`);
  console.log(`  ratio helm template / hangar render: ${ratio(helmTemplate, render)} (goal: at least 1.00x); helmfile template / hangar render: ${ratio(helmfileTemplate, render)}`);

  console.log("\ndeploying the example homelab on a fresh real API server (played controllers and webhooks):");
  const { ms: deploy, stdout } = await onFreshCluster((kubeconfig) => timed(process.execPath, [hangar, "deploy", "--yes", "--config", examplePath, "--kubeconfig", kubeconfig], tools.env, true));
  // deploy's own summary line: the time from the first request to the last wait.
  const own = /^summary \(([\d.]+)s, (\d+) API requests\)/m.exec(stdout);
  console.log(`  hangar deploy: ${ms(deploy)}${own ? ` (applying and waiting ${ms(Number(own[1]) * 1000)}, ${own[2]} requests; the rest is the process starting)` : ""}`);
  const sync = await onFreshCluster((kubeconfig) => timed("helmfile", ["--file", helmfile, "sync"], { ...tools.env, KUBECONFIG: kubeconfig }));
  console.log(`  helmfile sync (--wait, --wait-for-jobs): ${ms(sync)}`);
  console.log(`  ratio helmfile sync / hangar deploy: ${ratio(sync, deploy)} (goal: at least 2.00x)`);
} finally {
  tools.close();
}

async function onFreshCluster(work) {
  const cluster = await playedCluster();
  try {
    return await work(cluster.server.kubeconfig);
  } finally {
    await cluster.close();
  }
}
