// Taking over plain `helm install`s (helm v4.3.2, server-side apply, --wait) on a real
// kube-apiserver with played controllers and webhooks: the alternate homelab (two pools, debug
// logging, two ingress replicas and their PodDisruptionBudget), each release installed by hand
// with the values helmfile would give it. The takeover is interrupted once after its deploy
// (Helm's records and marks still there), and `hangar adopt --yes` converges from there.
import t from "tap";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderPlan } from "../lib/flight/plan.ts";
import { flights as registry } from "../flights/index.ts";
import { parseHomelab } from "../lib/homelab/load.ts";
import { planTakeover } from "../lib/takeover/plan.ts";
import { defaultPreviousManagers, executeTakeover } from "../lib/takeover/execute.ts";
import { defaultDeployOptions } from "../lib/kube/deploy.ts";
import { helmTools, upstreamCharts } from "./helpers/helm-tools.ts";
import { playedCluster } from "./helpers/played-cluster.ts";
import { hangar, helmMarks, observe } from "./helpers/takeover-real.ts";

t.setTimeout(600_000);

const repo = fileURLToPath(new URL("..", import.meta.url));
const config = join(repo, "test", "fixtures", "homelab-alt.yaml");
const configText = readFileSync(config, "utf8");
const flights = renderPlan(parseHomelab(configText, config).homelab, registry);

t.test("plain helm installs of the alternate homelab, an interrupted takeover, then hangar adopt --yes", async (t) => {
  const cluster = await playedCluster();
  t.teardown(cluster.close);
  const tools = helmTools(cluster.server.kubeconfig);
  t.teardown(tools.close);
  const values = await tools.writeValues(tools.helmfileProject(configText));
  const install = (release: string, namespace: string, chart: string, ...extra: string[]) =>
    tools.run("helm", ["install", release, chart, "--namespace", namespace, "--values", values(release), "--wait", "--wait-for-jobs", "--timeout", "5m", ...extra]);
  await install("metallb-namespace", "kube-system", join(repo, "charts", "privileged-namespace"));
  await install("metallb", "metallb-system", `${upstreamCharts}metallb`);
  await install("metallb-pool", "metallb-system", join(repo, "charts", "metallb-pool"));
  await install("ingress-nginx", "ingress-nginx", `${upstreamCharts}ingress-nginx`, "--create-namespace");
  const before = await observe(cluster.client, flights);
  t.ok(before.crdDescriptions > 100, `the chart's CRDs carry their descriptions (${before.crdDescriptions})`);
  t.equal((await cluster.client.json("GET", "/apis/apps/v1/namespaces/ingress-nginx/deployments/ingress-nginx-controller")).spec.replicas, 2);
  const service = await cluster.client.json("GET", "/api/v1/namespaces/ingress-nginx/services/ingress-nginx-controller");
  t.same(service.status.loadBalancer.ingress, [{ ip: "10.0.0.10", ipMode: "VIP" }], "the played MetalLB assigned the declared address");

  // Interrupted right after the deploy step: nothing released, no record deleted.
  const options = { deploy: { ...defaultDeployOptions, timeoutMs: 120_000 }, previousManagers: defaultPreviousManagers };
  const first = await planTakeover(cluster.client, flights, { fieldManager: "yoke", previousManagers: defaultPreviousManagers });
  t.same(first.objects.filter((object) => object.restarts), [], "no pod would restart");
  t.ok(first.objects.some((object) => object.id === "PodDisruptionBudget/ingress-nginx/ingress-nginx-controller" && object.action === "adopt"));
  await executeTakeover(cluster.client, flights, { ...first, objects: [], releases: [], prune: [] }, options, () => {});
  t.same((await tools.run("helm", ["list", "-A", "-q"])).stdout.split("\n").filter(Boolean).sort(), ["ingress-nginx", "metallb", "metallb-namespace", "metallb-pool"], "Helm still lists its releases");
  t.ok((await helmMarks(cluster.client, flights)).some((mark) => mark.includes("meta.helm.sh/release-name")), "and its marks are still there");

  const adopt = await hangar(["adopt", "--yes", "--kubeconfig", cluster.server.kubeconfig, "--config", config]);
  t.equal(adopt.code, 0, "exit 0", { output: adopt.stdout + adopt.stderr });
  t.match(adopt.stdout, /pods restarted: none/);
  t.match(adopt.stdout, /4 Helm releases retired/);
  const after = await observe(cluster.client, flights);
  t.same(after.workloads, before.workloads, "no pod template changed");
  t.equal(after.crdDescriptions, before.crdDescriptions, "every CRD description kept");
  t.same((await tools.run("helm", ["list", "-A", "-q"])).stdout, "", "helm list -A is empty");
  t.same(await helmMarks(cluster.client, flights), [], "no Helm mark left");

  const again = await hangar(["adopt", "--yes", "--kubeconfig", cluster.server.kubeconfig, "--config", config]);
  t.match(again.stdout, /^nothing to take over/);
  const diff = await hangar(["deploy", "--diff", "--kubeconfig", cluster.server.kubeconfig, "--config", config]);
  t.equal(diff.code, 0, "exit 0", { output: diff.stdout + diff.stderr });
  t.notMatch(diff.stdout, /would (create|change|delete)/, "deploy --diff: nothing would change", { output: diff.stdout });
});
