// Taking over a cluster as Helm 3 and Terraform's Helm provider leave it: the example's charts
// installed client-side (helm v4.3.2 `--server-side=false`: field manager helm, operation
// Update), MetalLB upgraded once (two release records), and the pool and L2 advertisement applied
// server-side by field manager Terraform, as its kubernetes_manifest does. On a real kube-apiserver
// with played controllers and webhooks: the plan, `hangar adopt` refusing without --yes, the
// takeover with Terraform's lines, and a second run that writes nothing.
import t from "tap";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { planTakeover } from "../lib/takeover/plan.ts";
import { defaultPreviousManagers } from "../lib/takeover/execute.ts";
import { formatPlan } from "../lib/takeover/report.ts";
import { examplePlan } from "./helpers/cluster.ts";
import { examplePath, exampleText } from "./helpers/example.ts";
import { helmTools, upstreamCharts } from "./helpers/helm-tools.ts";
import { playedCluster } from "./helpers/played-cluster.ts";
import { hangar, helmMarks, lockWritesOnly, observe } from "./helpers/takeover-real.ts";
import { realTool } from "./helpers/tools.ts";

t.setTimeout(600_000);

const repo = fileURLToPath(new URL("..", import.meta.url));
const mutating = new Set(["create", "update", "patch", "delete", "deletecollection"]);
const metallbApi = { apiVersion: "metallb.io/v1beta1" };
// What Terraform's kubernetes_manifest resources hold: the pool without avoidBuggyIPs, which the
// server defaults from MetalLB's CRD.
const terraformManifests = [
  { ...metallbApi, kind: "IPAddressPool", metadata: { name: "lan", namespace: "metallb-system" }, spec: { addresses: ["10.0.0.3/32"], autoAssign: true } },
  { ...metallbApi, kind: "L2Advertisement", metadata: { name: "lan", namespace: "metallb-system" }, spec: { ipAddressPools: ["lan"], nodeSelectors: [{ matchLabels: { "kubernetes.io/hostname": "home-01-cp-0" } }] } },
];

t.test("a client-side Helm install with Terraform's manifests, taken over by hangar adopt", async (t) => {
  const cluster = await playedCluster();
  t.teardown(cluster.close);
  const tools = helmTools(cluster.server.kubeconfig);
  t.teardown(tools.close);
  const flights = examplePlan();
  const values = await tools.writeValues(tools.helmfileProject(exampleText));
  const helm = (verb: string, release: string, namespace: string, chart: string, ...extra: string[]) =>
    tools.run("helm", [verb, release, chart, "--namespace", namespace, "--values", values(release), "--server-side=false", "--wait", "--wait-for-jobs", "--timeout", "5m", ...extra]);
  await helm("install", "metallb-namespace", "kube-system", join(repo, "charts", "privileged-namespace"));
  await helm("install", "metallb", "metallb-system", `${upstreamCharts}metallb`);
  await helm("upgrade", "metallb", "metallb-system", `${upstreamCharts}metallb`);
  await helm("install", "ingress-nginx", "ingress-nginx", `${upstreamCharts}ingress-nginx`, "--create-namespace");
  const manifests = join(t.testdir(), "terraform.yaml");
  writeFileSync(manifests, terraformManifests.map((manifest) => stringify(manifest)).join("---\n"));
  await promisify(execFile)(realTool("kubectl"), ["--kubeconfig", cluster.server.kubeconfig, "apply", "--server-side", "--field-manager=Terraform", "--force-conflicts", "-f", manifests]);

  const controller = await cluster.client.json("GET", "/apis/apps/v1/namespaces/ingress-nginx/deployments/ingress-nginx-controller");
  t.same(controller.metadata.managedFields.map((entry: { manager: string; operation: string }) => [entry.manager, entry.operation]).filter(([manager]: string[]) => manager === "helm"), [["helm", "Update"]], "written client-side, as Helm 3 writes");
  const before = await observe(cluster.client, flights);
  t.ok(before.crdDescriptions > 100, `the chart's CRDs carry their descriptions (${before.crdDescriptions})`);

  let audited = cluster.server.audit().length;
  const writes = () => cluster.server.audit().slice(audited).filter((event) => mutating.has(event.verb) && !event.requestURI.includes("dryRun"));
  const plan = await planTakeover(cluster.client, flights, { fieldManager: "yoke", previousManagers: defaultPreviousManagers });
  t.same(writes(), [], "planning writes nothing (every write a dry run)");
  const text = formatPlan(plan).join("\n");
  t.same(plan.objects.filter((object) => object.restarts), [], "no pod would restart", { plan: text });
  // CRDs aside (their schemas are checked by the description count below).
  t.same(
    plan.objects.filter((object) => object.action === "adopt" && object.changes.length > 0 && !object.id.startsWith("CustomResourceDefinition/")).map((object) => [object.id, object.changes]),
    [["Namespace/_/ingress-nginx", ["metadata.labels.app.kubernetes.io/instance", "metadata.labels.app.kubernetes.io/name"]]],
    "only the namespace Helm created bare changes (the server gave Terraform's pool the defaults of MetalLB's CRD)",
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

  const kube = ["--kubeconfig", cluster.server.kubeconfig, "--config", examplePath];
  audited = cluster.server.audit().length;
  const refused = await hangar(["adopt", ...kube]);
  t.equal(refused.code, 2);
  t.match(refused.stdout, /pods restarted: none/);
  t.match(refused.stderr.trim(), /^Not confirmed: no terminal to ask on \(stdin is not a TTY\); re-run with --yes to confirm \(or --plan to only print the plan\); nothing changed\.$/);
  t.same(lockWritesOnly(writes()), { others: [], lock: ["create kube-system/hangar-deploy", "patch kube-system/hangar-deploy"] }, "nothing written before confirmation but the deploy lock, taken and given back");

  const done = await hangar(["adopt", ...kube, "--yes", "--terraform", 'metallb=helm_release.addons["metallb"]']);
  t.equal(done.code, 0, "exit 0", { output: done.stdout + done.stderr });
  t.match(done.stdout, /retired +Helm release metallb-system\/metallb \(2 records\)/);
  t.match(done.stdout, /taken over: \d+ objects released by Helm\/Terraform, 0 pruned, 3 Helm releases retired/);
  t.match(done.stdout, /terraform state rm 'helm_release\.addons\["metallb"\]' +# Helm release metallb-system\/metallb\n/);
  t.match(done.stdout, /terraform state rm 'helm_release\.ingress-nginx' +# Helm release ingress-nginx\/ingress-nginx \(address guessed: check `terraform state list`\)\n/);
  t.match(done.stdout, /terraform state rm 'kubernetes_manifest\.ipaddresspool_lan' +# IPAddressPool\/metallb-system\/lan \(address guessed/);
  t.match(done.stdout, /terraform state rm 'kubernetes_manifest\.l2advertisement_lan'/);
  const retiredAt = done.stdout.indexOf("retired ");
  t.ok(retiredAt > done.stdout.lastIndexOf("ingress-nginx: entry point answers"), "release records go only after every flight converged");

  const revisions = await cluster.client.json("GET", "/api/v1/secrets", { query: { labelSelector: "internal.yoke/kind=revision" } });
  t.equal(revisions.items.length, 3, "a yoke revision per flight");
  const after = await observe(cluster.client, flights);
  t.same(after.workloads, before.workloads, "no pod template changed");
  t.equal(after.crdDescriptions, before.crdDescriptions, "every CRD description kept");
  t.same((await tools.run("helm", ["list", "-A", "-q"])).stdout, "", "helm list -A is empty");
  t.same(await helmMarks(cluster.client, flights), [], "no mark of Helm or Terraform left");

  audited = cluster.server.audit().length;
  const again = await hangar(["adopt", ...kube]);
  t.match(again.stdout, /^nothing to take over: hangar already owns all \d+ objects/);
  const diff = await hangar(["deploy", "--diff", ...kube]);
  t.notMatch(diff.stdout, /would (create|change|delete)/, "deploy --diff: nothing would change", { output: diff.stdout });
  t.same(lockWritesOnly(writes()), { others: [], lock: ["patch kube-system/hangar-deploy", "patch kube-system/hangar-deploy"] }, "the second run and the diff write nothing but the deploy lock, taken and given back");

  const upgrade = await tools.run("helm", ["upgrade", "metallb", `${upstreamCharts}metallb`, "--namespace", "metallb-system", "--values", values("metallb")]).catch((error: Error & { stderr: string }) => error);
  t.equal((upgrade as { stderr?: string }).stderr?.trim(), 'Error: UPGRADE FAILED: "metallb" has no deployed releases');
});
