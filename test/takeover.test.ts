// Taking over a cluster that Helm (through Terraform) installed, on the fake API server: the
// charts' own renders created as Helm creates them, then hangar's takeover. No pod template may
// change (no new ReplicaSet, no new ControllerRevision), hangar's field manager owns the fields,
// Helm's marks and release records are gone, and a second run writes nothing.
import t from "tap";
import { fakeCluster, examplePlan } from "./helpers/cluster.ts";
import { alternateInstallation, helmInstall } from "./helpers/helm-install.ts";
import { readFileSync } from "node:fs";
import { renderPlan } from "../lib/flight/plan.ts";
import { flights as registry } from "../flights/index.ts";
import { parseHomelab } from "../lib/homelab/load.ts";
import { planTakeover, type TakeoverPlan } from "../lib/takeover/plan.ts";
import { defaultPreviousManagers, executeTakeover, type TakeoverEvent } from "../lib/takeover/execute.ts";
import { terraformCommands, terraformLines } from "../lib/takeover/terraform.ts";
import { formatPlan } from "../lib/takeover/report.ts";
import { defaultDeployOptions } from "../lib/kube/deploy.ts";
import type { KubeClient } from "../lib/kube/client.ts";
import type { FakeApiServer } from "./doubles/fake-apiserver/index.ts";

const options = { deploy: { ...defaultDeployOptions, timeoutMs: 20_000 }, previousManagers: defaultPreviousManagers };
const workloads: [kind: string, namespace: string, name: string][] = [
  ["Deployment", "metallb-system", "metallb-controller"],
  ["DaemonSet", "metallb-system", "metallb-speaker"],
  ["Deployment", "ingress-nginx", "ingress-nginx-controller"],
];
const names = (server: FakeApiServer, kind: string) => server.list("apps/v1", kind).map((object) => object.metadata.name).sort();

async function takeover(server: FakeApiServer, client: KubeClient): Promise<{ plan: TakeoverPlan; events: TakeoverEvent[] }> {
  const flights = examplePlan();
  const plan = await planTakeover(client, flights, { fieldManager: "yoke" });
  const events: TakeoverEvent[] = [];
  await executeTakeover(client, flights, plan, options, (event) => events.push(event));
  return { plan, events };
}

t.test("a Helm install is taken over without a pod restart, and a second run is a no-op", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  await helmInstall(server, client);
  const replicaSets = names(server, "ReplicaSet");
  const revisions = names(server, "ControllerRevision");
  t.equal(replicaSets.length, 2, "the Helm install made one ReplicaSet per Deployment");
  t.equal(revisions.length, 1, "and one ControllerRevision for the speaker");
  const templates = workloads.map(([kind, namespace, name]) => server.get("apps/v1", kind, namespace, name)!.spec.template);
  t.same(server.get("apps/v1", "Deployment", "ingress-nginx", "ingress-nginx-controller")!.metadata.managedFields.map((entry: any) => [entry.manager, entry.operation]), [["helm", "Update"]]);

  const flights = examplePlan();
  const plan = await planTakeover(client, flights, { fieldManager: "yoke" });
  const text = formatPlan(plan).join("\n");
  t.same(plan.objects.filter((object) => object.restarts), [], text);
  t.match(text, /pods restarted: none/);
  t.same(
    plan.objects.filter((object) => object.action === "adopt" && object.changes.length > 0).map((object) => [object.id, object.changes]),
    [
      ["IPAddressPool/metallb-system/lan", ["spec.avoidBuggyIPs"]],
      ["Namespace/_/ingress-nginx", ["metadata.labels.app.kubernetes.io/instance", "metadata.labels.app.kubernetes.io/name"]],
    ],
    "only the namespace Helm created bare and the field Terraform's manifest left to its default change",
  );
  t.same(
    plan.objects.filter((object) => object.action === "create").map((object) => object.id).sort(),
    [
      "ServiceAccount/ingress-nginx/ingress-nginx-admission",
      "ClusterRole/_/ingress-nginx-admission",
      "ClusterRoleBinding/_/ingress-nginx-admission",
      "Role/ingress-nginx/ingress-nginx-admission",
      "RoleBinding/ingress-nginx/ingress-nginx-admission",
      "Job/ingress-nginx/ingress-nginx-admission-create",
      "Job/ingress-nginx/ingress-nginx-admission-patch",
    ].sort(),
    "the hooks Helm deleted after they ran",
  );
  t.same(plan.releases.map((release) => `${release.namespace}/${release.name} v${release.version} ${release.secrets.length}`).sort(), [
    "ingress-nginx/ingress-nginx v1 1",
    "kube-system/metallb-namespace v1 1",
    "metallb-system/metallb v2 2",
  ]);
  t.same(plan.prune, [], "hangar renders every object of the charts");
  const owners = new Set(plan.objects.filter((object) => object.action === "adopt").map((object) => JSON.stringify(object.owner)));
  t.ok(owners.has(JSON.stringify({ type: "helm", release: "metallb", namespace: "metallb-system" })));
  t.ok(owners.has(JSON.stringify({ type: "manual", managers: ["Terraform"] })), "the pool Terraform applied is recognised");
  server.clearLog();
  await planTakeover(client, flights, { fieldManager: "yoke" });
  t.same(server.requests.filter((request) => request.mutating), [], "planning writes nothing");

  const events: TakeoverEvent[] = [];
  const result = await executeTakeover(client, flights, plan, options, (event) => events.push(event));
  t.same(names(server, "ReplicaSet"), replicaSets, "no new ReplicaSet: no Deployment rolled");
  t.same(names(server, "ControllerRevision"), revisions, "no new ControllerRevision: the speaker did not roll");
  workloads.forEach(([kind, namespace, name], index) => t.same(server.get("apps/v1", kind, namespace, name)!.spec.template, templates[index], `${kind} ${name}: pod template unchanged`));

  for (const flight of flights) {
    for (const resource of flight.stages.flat()) {
      const namespace = resource.kind === "Namespace" || !resource.metadata.namespace && ["ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "ValidatingWebhookConfiguration", "IngressClass"].includes(resource.kind) ? undefined : resource.metadata.namespace ?? flight.namespace;
      const live = server.get(resource.apiVersion, resource.kind, namespace, resource.metadata.name);
      if (resource.kind === "Job") continue; // ran and deleted itself (TTL 0)
      const id = `${resource.kind} ${resource.metadata.name}`;
      t.ok(live, `${id} exists`);
      const managers = live!.metadata.managedFields.map((entry: any) => entry.manager);
      t.ok(managers.includes("yoke"), `${id}: hangar's field manager owns its fields`);
      t.notOk(managers.includes("helm") || managers.includes("Terraform"), `${id}: no field left to helm or Terraform (${managers})`);
      t.notOk(Object.keys(live!.metadata.annotations ?? {}).some((key) => key.startsWith("meta.helm.sh/")), `${id}: Helm's release annotations are gone`);
      t.equal(live!.metadata.labels?.["app.kubernetes.io/managed-by"], "yoke", `${id}: managed by yoke`);
      t.notOk(live!.metadata.labels?.["helm.sh/chart"], `${id}: no chart label on the object`);
      t.equal(live!.metadata.annotations?.["instance.atc.yoke.cd/release"], flight.release);
    }
  }
  t.same(server.list("v1", "Secret").filter((secret) => secret.metadata.labels?.owner === "helm"), [], "Helm's release records are gone");
  t.equal(server.list("v1", "Secret").filter((secret) => secret.metadata.labels?.["internal.yoke/kind"] === "revision").length, 3, "a yoke revision per flight");
  t.same(result.retired.sort(), ["ingress-nginx/ingress-nginx", "kube-system/metallb-namespace", "metallb-system/metallb"]);
  const retiredAt = events.findIndex((event) => event.type === "takeover" && event.step === "retired");
  const lastFlight = events.map((event) => event.type === "flight" && event.state === "done").lastIndexOf(true);
  t.ok(retiredAt > lastFlight, "release records go only after every flight converged");

  t.same(terraformCommands(terraformLines(plan, { metallb: 'helm_release.addons["metallb"]' })), [
    "terraform state rm 'helm_release.metallb-namespace'   # Helm release kube-system/metallb-namespace (address guessed: check `terraform state list`)",
    `terraform state rm 'helm_release.addons["metallb"]'   # Helm release metallb-system/metallb`,
    "terraform state rm 'helm_release.ingress-nginx'   # Helm release ingress-nginx/ingress-nginx (address guessed: check `terraform state list`)",
    "terraform state rm 'kubernetes_manifest.ipaddresspool_lan'   # IPAddressPool/metallb-system/lan (address guessed: check `terraform state list`)",
    "terraform state rm 'kubernetes_manifest.l2advertisement_lan'   # L2Advertisement/metallb-system/lan (address guessed: check `terraform state list`)",
  ]);

  server.clearLog();
  const again = await takeover(server, client);
  t.match(formatPlan(again.plan).join("\n"), /^nothing to take over: hangar already owns all \d+ objects/);
  t.same(server.requests.filter((request) => request.mutating).map((request) => `${request.method} ${request.path}`), [], "the second run writes nothing");
  t.same(names(server, "ReplicaSet"), replicaSets);
});

t.test("an interrupted takeover (flights applied, Helm's marks and records still there) converges on a re-run", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  await helmInstall(server, client);
  const replicaSets = names(server, "ReplicaSet");
  const flights = examplePlan();
  const first = await planTakeover(client, flights, { fieldManager: "yoke" });
  // Interrupted right after the deploy step: nothing released, no record deleted.
  await executeTakeover(client, flights, { ...first, objects: [], releases: [], prune: [] }, options, () => {});
  t.equal(server.list("v1", "Secret").filter((secret) => secret.metadata.labels?.owner === "helm").length, 4, "Helm's records are still there");
  const { plan } = await takeover(server, client);
  t.equal(plan.releases.length, 3, "the re-run still finds the Helm releases");
  t.ok(plan.objects.some((object) => object.action === "adopt" && object.owner?.type === "helm"), "and the objects still marked by Helm");
  t.same(server.list("v1", "Secret").filter((secret) => secret.metadata.labels?.owner === "helm"), []);
  t.same(names(server, "ReplicaSet"), replicaSets);
  const controller = server.get("apps/v1", "Deployment", "metallb-system", "metallb-controller")!;
  t.notOk(controller.metadata.annotations["meta.helm.sh/release-name"]);
});

t.test("the alternate homelab (two pools, two ingress replicas and their PodDisruptionBudget) is taken over just as quietly", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  await helmInstall(server, client, alternateInstallation);
  const replicaSets = names(server, "ReplicaSet");
  const revisions = names(server, "ControllerRevision");
  const config = new URL("./fixtures/homelab-alt.yaml", import.meta.url);
  const flights = renderPlan(parseHomelab(readFileSync(config, "utf8"), config.pathname).homelab, registry);
  const plan = await planTakeover(client, flights, { fieldManager: "yoke" });
  t.same(plan.objects.filter((object) => object.restarts || (object.action === "adopt" && object.changes.length > 0 && object.id !== "Namespace/_/ingress-nginx")), [], formatPlan(plan).join("\n"));
  t.ok(plan.objects.some((object) => object.id === "PodDisruptionBudget/ingress-nginx/ingress-nginx-controller" && object.action === "adopt"));
  await executeTakeover(client, flights, plan, options, () => {});
  t.same(names(server, "ReplicaSet"), replicaSets, "no new ReplicaSet");
  t.same(names(server, "ControllerRevision"), revisions, "no new ControllerRevision");
  t.equal(server.get("apps/v1", "Deployment", "ingress-nginx", "ingress-nginx-controller")!.spec.replicas, 2);
  t.same(server.list("v1", "Secret").filter((secret) => secret.metadata.labels?.owner === "helm"), []);
  t.same(server.get("v1", "Service", "ingress-nginx", "ingress-nginx-controller")!.status.loadBalancer.ingress, [{ ip: "10.0.0.10", ipMode: "VIP" }]);
});
