#!/usr/bin/env node
// Benchmark (not a test), against the fake API server in this process: (1) a full deploy of the
// example beside kubectl apply --server-side + kubectl wait of the same objects (the pinned
// kubectl of `npm run tools` when built, else the one on PATH), with their ratio, (2) a no-op
// re-run, (3) how fast the next stage starts after a readiness gate turns true.
// Run with `node --import tsx scripts/bench-deploy.mjs` (npm run bench does).
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { commandLine } from "./cli.mjs";

await commandLine("bench-deploy");
// TypeScript test doubles: loaded after the command line is checked (they need tsx).
const { deploy, examplePlan, fakeCluster } = await import("../test/helpers/cluster.ts");
const { splitPreStages } = await import("../lib/kube/prepare.ts");
const { requestedAddress } = await import("../lib/kube/readiness.ts");
const { toolsDir, toolVersion } = await import("../test/helpers/tools.ts");

const kubectlTool = join(toolsDir(), `kubectl-${toolVersion("kubectl")}`);

const run = (command, args, options) => promisify(execFile)(command, args, options);
const ms = (value) => `${Math.round(value)} ms`;
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];

let hangarWall = 0;

// (1) and (3): hangar's applier.
{
  const { server, client } = await fakeCluster();
  const started = performance.now();
  await deploy(client, examplePlan());
  const wall = performance.now() - started;
  hangarWall = wall;
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

// (1) beside: kubectl apply --server-side per stage (validation on), retrying what the webhook
// refuses every 2 s, then `kubectl wait` for every object of the stage that has a readiness
// rule: what a careful shell script does. kubectl has no wait for a webhook's caBundle, hence
// the retries.
{
  const kubectlPath = existsSync(kubectlTool) ? kubectlTool : "kubectl";
  const { server, kubeconfig } = await fakeCluster();
  const dir = mkdtempSync(join(tmpdir(), "hangar-bench-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const kubectl = (...args) => run(kubectlPath, ["--kubeconfig", kubeconfig, ...args], { timeout: 180_000 });
  let refused = 0;
  let waits = 0;
  const started = performance.now();
  for (const flight of examplePlan()) {
    for (const [index, stage] of splitPreStages(flight.stages).entries()) {
      const file = join(dir, `${flight.name}-${index}.yaml`);
      writeFileSync(file, stage.map((r) => stringify(r)).join("---\n"));
      for (;;) {
        try {
          await kubectl("apply", "--server-side", "--field-manager=kubectl-bench", "-n", flight.namespace, "-f", file);
          break;
        } catch (error) {
          if (!/failed calling webhook/.test(error.stderr)) throw error;
          refused += 1;
          await new Promise((resolve) => setTimeout(resolve, 2000));
        }
      }
      const conditions = stage.map((r) => waitArgs(r, flight.namespace)).filter(Boolean);
      waits += conditions.length;
      await Promise.all(
        conditions.map((args) =>
          kubectl("wait", ...args, "--timeout=120s").catch((error) => {
            // A Job whose TTL already removed it after completing is done.
            if (!(args[1].startsWith("job/") && /NotFound|not found/.test(error.stderr))) throw error;
          }),
        ),
      );
    }
  }
  const wall = performance.now() - started;
  console.log(
    `full deploy (kubectl ${kubectlPath === kubectlTool ? toolVersion("kubectl") : "from PATH"} apply --server-side + kubectl wait): ${ms(wall)}, ${server.requests.length} requests; ${refused} applies refused by the webhook and retried after 2 s; ${waits} kubectl waits`,
  );
  console.log(`ratio kubectl / hangar: ${(wall / hangarWall).toFixed(2)}x (same fake API server, same controller delays)`);
  await server.close();
}

/** `kubectl wait` arguments for one object, or undefined when nothing needs waiting for. */
function waitArgs(resource, namespace) {
  const name = resource.metadata.name;
  const scope = ["-n", resource.metadata.namespace ?? namespace];
  switch (resource.kind) {
    case "CustomResourceDefinition":
      return ["--for=condition=Established", `crd/${name}`];
    case "Deployment":
      return ["--for=condition=Available", `deployment/${name}`, ...scope];
    case "DaemonSet":
      return ["--for=jsonpath={.status.numberReady}=1", `daemonset/${name}`, ...scope];
    case "Job":
      return ["--for=condition=Complete", `job/${name}`, ...scope];
    case "Service": {
      const ip = resource.spec?.type === "LoadBalancer" ? requestedAddress(resource) : undefined;
      return ip ? [`--for=jsonpath={.status.loadBalancer.ingress[0].ip}=${ip}`, `service/${name}`, ...scope] : undefined;
    }
    default:
      return undefined;
  }
}
