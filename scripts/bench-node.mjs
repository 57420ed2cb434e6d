#!/usr/bin/env node
// Benchmark (not a test) on a real node (test/helpers/real-node.ts: real kubelet, containerd,
// controllers and the real MetalLB): the example homelab from an empty cluster to the entry
// point's address assigned, by `hangar deploy` and by `kubectl apply --server-side` +
// `kubectl wait` of the same objects in the same order, each on a fresh node, in the same run.
// Needs root and `npm run tools`. Run with `node --import tsx scripts/bench-node.mjs` (npm run bench does).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { stringify } from "yaml";
import { commandLine } from "./cli.mjs";

await commandLine("bench-node");
// TypeScript modules: loaded after the command line is checked (they need tsx).
const { startRealNode, nodeUnavailable } = await import("../test/helpers/real-node.ts");
const { examplePlan } = await import("../test/helpers/cluster.ts");
const { examplePath } = await import("../test/helpers/example.ts");
const { splitPreStages } = await import("../lib/kube/prepare.ts");
const { requestedAddress } = await import("../lib/kube/readiness.ts");

const unavailable = await nodeUnavailable();
if (unavailable) {
  console.log(`real node benchmark skipped: ${unavailable}`);
  process.exit(0);
}
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function onFreshNode(work) {
  const started = performance.now();
  const node = await startRealNode({ startedBy: "test" });
  const startup = performance.now() - started;
  try {
    return { ...(await work(node)), startup };
  } finally {
    node.stop();
  }
}

const hangar = await onFreshNode(async (node) => {
  const started = performance.now();
  const result = await node.hangar(["deploy", "--config", examplePath, "--kubeconfig", node.kubeconfig, "--yes"]);
  if (result.code !== 0) throw new Error(`hangar deploy failed:\n${result.stdout}\n${result.stderr}`);
  return { wall: performance.now() - started };
});
console.log(`real node, example homelab from empty to 10.0.0.3 assigned, hangar deploy: ${seconds(hangar.wall)} (node start ${seconds(hangar.startup)})`);

// The peer: each stage through kubectl apply --server-side, then kubectl waiting for what the
// next stage needs (the conditions hangar's gates check). The pool is applied again, once a
// second, while MetalLB's webhook refuses it (what a script around kubectl has to do).
const peer = await onFreshNode(async (node) => {
  let runs = 0;
  let refusals = 0;
  const kubectl = async (...args) => {
    runs++;
    return node.kubectlRun(args);
  };
  const started = performance.now();
  const took = {};
  for (const flight of examplePlan()) {
    const flightStarted = performance.now();
    for (const [index, stage] of splitPreStages(flight.stages).entries()) {
      const file = join(node.paths.dir, `bench-${flight.name}-${index}.yaml`);
      writeFileSync(file, stage.map((resource) => stringify(resource)).join("---\n"));
      for (;;) {
        const applied = await kubectl("apply", "--server-side", "--field-manager=kubectl-bench", "-n", flight.namespace, "-f", file);
        if (applied.code === 0) break;
        if (!applied.stderr.includes("failed calling webhook")) throw new Error(`kubectl apply ${flight.name} stage ${index}: ${applied.stderr}`);
        refusals++;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      for (const resource of stage) {
        const scope = ["CustomResourceDefinition", "Namespace"].includes(resource.kind) ? [] : ["-n", resource.metadata.namespace ?? flight.namespace];
        const target = `${resource.kind.toLowerCase()}/${resource.metadata.name}`;
        const args = {
          CustomResourceDefinition: ["wait", "--for=condition=Established"],
          Deployment: ["rollout", "status"],
          DaemonSet: ["rollout", "status"],
          // Jobs that delete themselves once complete (ttlSecondsAfterFinished: 0) are waited out.
          Job: resource.spec?.ttlSecondsAfterFinished === 0 ? ["wait", "--for=delete"] : ["wait", "--for=condition=Complete"],
          Service: resource.spec?.type === "LoadBalancer" ? ["wait", `--for=jsonpath={.status.loadBalancer.ingress[0].ip}=${requestedAddress(resource)}`] : undefined,
        }[resource.kind];
        if (!args) continue;
        const waited = await kubectl(...args, "--timeout=300s", ...scope, target);
        if (waited.code !== 0) throw new Error(`kubectl ${args.join(" ")} ${target}: ${waited.stderr}`);
      }
    }
    took[flight.name] = performance.now() - flightStarted;
  }
  return { wall: performance.now() - started, runs, refusals, took };
});
console.log(`real node, example homelab from empty to 10.0.0.3 assigned, kubectl apply --server-side + kubectl wait: ${seconds(peer.wall)} (${peer.runs} kubectl runs, ${peer.refusals} pool applies refused while MetalLB's webhook was not answering; node start ${seconds(peer.startup)})`);
console.log(`kubectl's time per flight: ${Object.entries(peer.took).map(([name, ms]) => `${name} ${seconds(ms)}`).join(", ")}`);

// The most running flights side by side can win: kubectl's own times per flight, each flight
// starting once its needs are done and ending no sooner than the flights its addresses come from.
const finish = {};
for (const flight of examplePlan()) {
  const start = Math.max(0, ...flight.needs.map((need) => finish[need]));
  finish[flight.name] = Math.max(start + peer.took[flight.name], ...flight.addressesFrom.map((provider) => finish[provider]));
}
const longest = Math.max(...Object.values(finish));
console.log(`the same waits side by side along needs and addressesFrom: ${seconds(longest)}, so at most ${(peer.wall / longest).toFixed(2)}x from running flights side by side`);
console.log(`ratio kubectl / hangar: ${(peer.wall / hangar.wall).toFixed(2)}x (goal: at least 2x)`);
