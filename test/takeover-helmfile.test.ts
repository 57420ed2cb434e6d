// Taking over what `helmfile sync` installed, with the real helmfile v1.8.0 and helm v4.3.2
// (server-side apply, --wait) on a real kube-apiserver whose controllers and webhooks are played:
// the example homelab, then `hangar adopt --yes`. No pod template changes, Helm keeps no release
// and no mark, the CRDs keep their descriptions, a second adopt finds nothing, `hangar deploy
// --diff` shows nothing, and `helm upgrade` afterwards finds no release to upgrade.
import t from "tap";
import { examplePlan } from "./helpers/cluster.ts";
import { examplePath, exampleText } from "./helpers/example.ts";
import { helmTools, upstreamCharts } from "./helpers/helm-tools.ts";
import { playedCluster } from "./helpers/played-cluster.ts";
import { hangar, helmMarks, lockWritesOnly, observe } from "./helpers/takeover-real.ts";

t.setTimeout(600_000);

const mutating = new Set(["create", "update", "patch", "delete", "deletecollection"]);

t.test("helmfile sync, then hangar adopt --yes", async (t) => {
  const cluster = await playedCluster();
  t.teardown(cluster.close);
  const tools = helmTools(cluster.server.kubeconfig);
  t.teardown(tools.close);
  const flights = examplePlan();
  const kube = ["--kubeconfig", cluster.server.kubeconfig, "--config", examplePath];

  await tools.run("helmfile", ["--file", tools.helmfileProject(exampleText), "sync"]);
  const releases = JSON.parse((await tools.run("helm", ["list", "-A", "-o", "json"])).stdout) as { name: string; namespace: string; status: string }[];
  t.same(releases.map((release) => `${release.namespace}/${release.name} ${release.status}`).sort(), [
    "ingress-nginx/ingress-nginx deployed",
    "kube-system/metallb-namespace deployed",
    "metallb-system/metallb deployed",
    "metallb-system/metallb-pool deployed",
  ]);
  const controller = await cluster.client.json("GET", "/apis/apps/v1/namespaces/metallb-system/deployments/metallb-controller");
  t.same(controller.metadata.managedFields.map((entry: { manager: string; operation: string }) => `${entry.manager} ${entry.operation}`).filter((entry: string) => entry.startsWith("helm")), ["helm Apply"], "Helm 4 applied it server-side");
  t.ok(cluster.webhooks.calls.some((call) => call.service === "metallb-webhook-service.metallb-system.svc" && call.kind === "IPAddressPool"), "the pool went through MetalLB's (played) webhook");
  const before = await observe(cluster.client, flights);
  t.equal(Object.keys(before.workloads).length, 3, "metallb's controller and speaker, ingress-nginx's controller");
  t.ok(before.crdDescriptions > 100, `the chart's CRDs carry their descriptions (${before.crdDescriptions})`);

  const plan = await hangar(["adopt", "--plan", ...kube]);
  t.equal(plan.code, 0, "exit 0", { output: plan.stdout + plan.stderr });
  t.match(plan.stdout, /pods restarted: none/);

  const adopt = await hangar(["adopt", "--yes", ...kube]);
  t.equal(adopt.code, 0, "exit 0", { output: adopt.stdout + adopt.stderr });
  t.match(adopt.stdout, /taken over: \d+ objects released by Helm\/Terraform, 0 pruned, 4 Helm releases retired/);

  const after = await observe(cluster.client, flights);
  t.same(after.workloads, before.workloads, "no pod template changed: no new ReplicaSet or ControllerRevision, no pod restarted");
  t.equal(after.crdDescriptions, before.crdDescriptions, "every CRD description kept");
  t.same((await tools.run("helm", ["list", "-A", "-q"])).stdout, "", "helm list -A is empty");
  t.same(await helmMarks(cluster.client, flights), [], "no Helm mark left");

  const auditBefore = cluster.server.audit().length;
  const again = await hangar(["adopt", "--yes", ...kube]);
  t.equal(again.code, 0, "exit 0", { output: again.stdout + again.stderr });
  t.match(again.stdout, /^nothing to take over: hangar already owns all \d+ objects/);
  const diff = await hangar(["deploy", "--diff", ...kube]);
  t.equal(diff.code, 0, "exit 0", { output: diff.stdout + diff.stderr });
  t.notMatch(diff.stdout, /would (create|change|delete)/, "deploy --diff: nothing would change", { output: diff.stdout });
  t.match(diff.stdout, /metallb-pool\s+2 unchanged/);
  const writes = cluster.server.audit().slice(auditBefore).filter((event) => mutating.has(event.verb) && !event.requestURI.includes("dryRun"));
  t.same(lockWritesOnly(writes), { others: [], lock: ["patch kube-system/hangar-deploy", "patch kube-system/hangar-deploy"] }, "neither wrote anything but adopt's deploy lock, taken and given back");

  const upgrade = await tools.run("helm", ["upgrade", "metallb", `${upstreamCharts}metallb`, "--namespace", "metallb-system"]).catch((error: Error & { stderr: string }) => error);
  t.ok(upgrade instanceof Error, "helm upgrade refuses");
  t.equal((upgrade as { stderr: string }).stderr.trim(), 'Error: UPGRADE FAILED: "metallb" has no deployed releases');
});
