#!/usr/bin/env node
// Benchmark (not a test), against the fake API server in this process: (1) a full deploy of the
// example beside kubectl apply --server-side + kubectl wait of the same objects, (2) a no-op
// re-run, (3) how fast the next stage starts after a readiness gate turns true.
// Run with `node --import tsx scripts/bench-deploy.mjs` (npm run bench does).
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { deploy, examplePlan, fakeCluster } from "../test/helpers/cluster.ts";
import { splitPreStages } from "../lib/kube/prepare.ts";
import { readiness } from "../lib/kube/readiness.ts";

const run = (command, args, options) => promisify(execFile)(command, args, options);
const ms = (value) => `${Math.round(value)} ms`;
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];

// (1) and (3): hangar's applier.
{
  const { server, client } = await fakeCluster();
  const started = performance.now();
  await deploy(client, examplePlan());
  const wall = performance.now() - started;
  const writes = server.requests.filter((r) => r.mutating).length;
  console.log(`full deploy (hangar): ${ms(wall)}, ${server.requests.length} requests (${writes} writes, ${server.requests.filter((r) => r.dryRun).length} dry runs, ${server.requests.filter((r) => r.watch).length} watches)`);

  // (3) Reaction: from each gate the applier waited on, to the first request that follows it.
  const gates = server.events.filter((e) => ["crd-established", "deployment-ready", "daemonset-ready", "job-complete", "job-deleted", "cabundle-injected", "lb-ip-assigned"].includes(e.kind));
  const reactions = gates
    .map((gate) => server.requests.find((r) => r.at > gate.at && !r.watch))
    .map((request, index) => (request ? request.at - gates[index].at : undefined))
    .filter((value) => value !== undefined);
  console.log(`gate -> next request: median ${reactions.length ? percentile(reactions, 0.5).toFixed(1) : "n/a"} ms, p90 ${reactions.length ? percentile(reactions, 0.9).toFixed(1) : "n/a"} ms over ${reactions.length} gates (goal: median < 100 ms; yoke polls every 5 s, kapp 3 s, helm legacy 2 s)`);

  // (2) No-op re-run.
  server.clearLog();
  const again = performance.now();
  await deploy(client, examplePlan());
  console.log(`no-op re-run (hangar): ${ms(performance.now() - again)}, ${server.requests.length} requests, ${server.requests.filter((r) => r.mutating).length} mutating (goal: 0 and under 1 s)`);
  await server.close();
}

// (1) beside: kubectl apply --server-side per stage, retrying what the webhook refuses, then
// waiting with kubectl. `kubectl wait` never returns against the fake API server (its informer
// lists and watches but never reports the condition; not diagnosed), so the peer polls
// `kubectl get -o json` once a second with the same readiness rules instead.
{
  const { server, kubeconfig } = await fakeCluster();
  const dir = mkdtempSync(join(tmpdir(), "hangar-bench-"));
  const kubectl = (...args) => run("kubectl", ["--kubeconfig", kubeconfig, ...args], { timeout: 30_000 });
  let refused = 0;
  let polls = 0;
  const started = performance.now();
  for (const flight of examplePlan()) {
    for (const [index, stage] of splitPreStages(flight.stages).entries()) {
      const file = join(dir, `${flight.name}-${index}.yaml`);
      writeFileSync(file, stage.map((r) => stringify(r)).join("---\n"));
      for (;;) {
        try {
          await kubectl("apply", "--server-side", "--validate=false", "--field-manager=kubectl-bench", "-n", flight.namespace, "-f", file);
          break;
        } catch (error) {
          if (!/failed calling webhook/.test(error.stderr)) throw error;
          refused += 1;
          await new Promise((resolve) => setTimeout(resolve, 2000));
        }
      }
      for (const r of stage) {
        if (!["CustomResourceDefinition", "Deployment", "DaemonSet", "Job", "Service"].includes(r.kind)) continue;
        const scope = r.kind === "CustomResourceDefinition" ? [] : ["-n", r.metadata.namespace ?? flight.namespace];
        for (;;) {
          polls += 1;
          const live = await kubectl("get", `${r.kind.toLowerCase()}/${r.metadata.name}`, ...scope, "-o", "json").then((out) => JSON.parse(out.stdout), () => undefined);
          if (!live ? r.kind === "Job" : readiness(live).ready) break;
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }
    }
  }
  const wall = performance.now() - started;
  console.log(
    `full deploy (kubectl apply --server-side + kubectl get polling): ${ms(wall)}, ${server.requests.length} requests; ${refused} applies refused by the webhook and retried after 2 s; ${polls} readiness polls`,
  );
  await server.close();
}
