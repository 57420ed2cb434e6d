#!/usr/bin/env node
// Benchmark (not a test) against a real kube-apiserver + etcd (npm run tools builds them), with
// the controllers played as in the tests: hangar's deploy of the example's MetalLB and
// ingress-nginx beside `kubectl apply --server-side` + `kubectl wait` of the same objects, each
// on a fresh server, then hangar's no-op re-run. Requests are counted from the server's audit log.
// MetalLB's pool is left out: it needs MetalLB's webhook pod, which cannot run here.
// Run with `node --import tsx scripts/bench-deploy-real.mjs` (npm run bench does).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { commandLine } from "./cli.mjs";

await commandLine("bench-deploy-real");
// TypeScript modules: loaded after the command line is checked (they need tsx).
const { KubeClient } = await import("../lib/kube/client.ts");
const { splitPreStages } = await import("../lib/kube/prepare.ts");
const { requestedAddress } = await import("../lib/kube/readiness.ts");
const { deploy, examplePlan, fastRetry } = await import("../test/helpers/cluster.ts");
const { startRealApiServer } = await import("../test/helpers/real-apiserver.ts");
const { ControllerPlayer } = await import("../test/helpers/play-controllers.ts");
const { realTool } = await import("../test/helpers/tools.ts");

const run = promisify(execFile);
const ms = (value) => `${Math.round(value)} ms`;
const mutating = new Set(["create", "update", "patch", "delete"]);
const plan = () =>
  examplePlan()
    .filter((flight) => flight.name !== "metallb-pool")
    .map((flight) => (flight.name === "ingress-nginx" ? { ...flight, needs: ["metallb"], addressesFrom: [] } : flight));

async function withServer(work) {
  const server = await startRealApiServer();
  const player = new ControllerPlayer(await KubeClient.create({ kubeconfig: server.controllersKubeconfig, retry: fastRetry })).start();
  try {
    return await work(server);
  } finally {
    await player.stop();
    await server.close();
  }
}

const counts = (events) => `${events.length} requests (${events.filter((e) => mutating.has(e.verb) && !e.requestURI.includes("dryRun")).length} writes, ${events.filter((e) => e.requestURI.includes("dryRun")).length} dry runs, ${events.filter((e) => e.verb === "watch").length} watches)`;

const hangar = await withServer(async (server) => {
  const client = await KubeClient.create({ kubeconfig: server.kubeconfig, retry: fastRetry });
  const started = performance.now();
  await deploy(client, plan());
  const wall = performance.now() - started;
  const deployed = server.audit();
  console.log(`real API server, full deploy (hangar): ${ms(wall)}, ${counts(deployed)}`);
  const again = performance.now();
  await deploy(client, plan());
  const rerun = server.audit().slice(deployed.length);
  console.log(`real API server, no-op re-run (hangar): ${ms(performance.now() - again)}, ${counts(rerun)}`);
  return { wall, requests: deployed.length };
});

// The peer: every stage through kubectl apply --server-side, then kubectl wait on what the
// stage needs before the next one (the conditions hangar's gates check).
const peer = await withServer(async (server) => {
  const dir = mkdtempSync(join(tmpdir(), "hangar-bench-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const kubectl = (...args) => run(realTool("kubectl"), ["--kubeconfig", server.kubeconfig, ...args], { timeout: 120_000 });
  const started = performance.now();
  for (const flight of plan()) {
    for (const [index, stage] of splitPreStages(flight.stages).entries()) {
      const file = join(dir, `${flight.name}-${index}.yaml`);
      writeFileSync(file, stage.map((r) => stringify(r)).join("---\n"));
      await kubectl("apply", "--server-side", "--field-manager=kubectl-bench", "-n", flight.namespace, "-f", file);
      for (const r of stage) {
        const scope = r.kind === "CustomResourceDefinition" || r.kind === "Namespace" ? [] : ["-n", r.metadata.namespace ?? flight.namespace];
        const target = `${r.kind.toLowerCase()}/${r.metadata.name}`;
        const wanted = {
          CustomResourceDefinition: "condition=Established",
          Deployment: "condition=Available",
          Job: "condition=Complete",
          DaemonSet: "jsonpath={.status.numberReady}=1",
          Service: r.spec?.type === "LoadBalancer" ? `jsonpath={.status.loadBalancer.ingress[0].ip}=${requestedAddress(r)}` : undefined,
        }[r.kind];
        if (wanted) await kubectl("wait", `--for=${wanted}`, "--timeout=120s", ...scope, target);
      }
    }
  }
  const wall = performance.now() - started;
  const events = server.audit();
  console.log(`real API server, full deploy (kubectl apply --server-side + kubectl wait): ${ms(wall)}, ${counts(events)}`);
  return { wall, requests: events.length };
});

console.log(`ratio kubectl / hangar: time ${(peer.wall / hangar.wall).toFixed(2)}x, requests ${(peer.requests / hangar.requests).toFixed(2)}x (hangar also dry-runs every stage and records a revision per flight)`);
