// Taking over MetalLB as the real helm v4.3.2 installs it on a real kube-apiserver (the test
// plays the controllers and webhooks):
// a CRD's schema is one atomic field to server-side apply, so whatever hangar's forced apply
// renders replaces what Helm installed. The chart's nine CRDs keep all 201 descriptions through
// the takeover, hangar alone owns them afterwards, and `kubectl explain` answers with them.
import t from "tap";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { type Json } from "../lib/kube/client.ts";
import { defaultDeployOptions } from "../lib/kube/deploy.ts";
import { planTakeover } from "../lib/takeover/plan.ts";
import { defaultPreviousManagers, executeTakeover } from "../lib/takeover/execute.ts";
import { examplePlan } from "./helpers/cluster.ts";
import { helmTools, upstreamCharts } from "./helpers/helm-tools.ts";
import { kubectlExplain, normalised } from "./helpers/kubectl-explain.ts";
import { playedCluster } from "./helpers/played-cluster.ts";
import { countDescriptions } from "./helpers/upstream.ts";

t.setTimeout(600_000);
const homelab = readFileSync(fileURLToPath(new URL("../homelab.yaml", import.meta.url)), "utf8");

const chart = parseAllDocuments(readFileSync(fileURLToPath(new URL("../../shared/upstream/helm-renders/metallb/manifest.yaml", import.meta.url)), "utf8"))
  .map((doc) => doc.toJS())
  .filter((object) => object?.kind === "CustomResourceDefinition");

t.test("a takeover of MetalLB's Helm install keeps every CRD description, and kubectl explain shows them", async (t) => {
  const cluster = await playedCluster();
  t.teardown(cluster.close);
  const { server, client } = cluster;
  const tools = helmTools(server.kubeconfig);
  t.teardown(tools.close);
  const values = await tools.writeValues(tools.helmfileProject(homelab));

  const liveCrds = async (): Promise<Json[]> =>
    (await client.json("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions")).items.filter((crd: Json) => crd.spec.group === "metallb.io");
  await tools.run("helm", ["install", "metallb", `${upstreamCharts}metallb`, "--namespace", "metallb-system", "--create-namespace", "--values", values("metallb"), "--wait", "--timeout", "5m"]);
  const before = await liveCrds();
  t.equal(before.length, 9);
  t.equal(countDescriptions(before.map((crd) => crd.spec)), 201, "Helm installed the chart's 201 descriptions");

  const flights = examplePlan().filter((flight) => flight.name === "metallb");
  const plan = await planTakeover(client, flights, { fieldManager: "yoke", previousManagers: defaultPreviousManagers });
  const crdChanges = plan.objects.filter((object) => object.id.startsWith("CustomResourceDefinition/"));
  t.equal(crdChanges.length, 9);
  t.same(crdChanges.filter((object) => object.action !== "adopt" || object.changes.length > 0).map((object) => [object.id, object.changes]), [], "the plan changes no CRD");
  await executeTakeover(client, flights, plan, { deploy: { ...defaultDeployOptions, timeoutMs: 60_000 }, previousManagers: defaultPreviousManagers }, () => {});

  const after = await liveCrds();
  t.equal(countDescriptions(after.map((crd) => crd.spec)), 201, "all 201 descriptions are still there");
  for (const crd of after) {
    t.same(crd.spec.versions.map((version: Json) => version.schema), chart.find((theirs) => theirs.metadata.name === crd.metadata.name).spec.versions.map((version: Json) => version.schema), `${crd.metadata.name}: the chart's schemas`);
    const owners = crd.metadata.managedFields.filter((entry: Json) => entry.subresource !== "status").map((entry: Json) => entry.manager);
    t.same(owners, ["yoke"], `${crd.metadata.name}: hangar alone owns it (the server its status), so its apply alone keeps the descriptions`);
  }

  const explained = normalised(await kubectlExplain(server.kubeconfig, "ipaddresspool.spec"));
  const spec = chart.find((crd) => crd.metadata.name === "ipaddresspools.metallb.io").spec.versions[0].schema.openAPIV3Schema.properties.spec;
  const expected = [spec.description, ...Object.values(spec.properties).map((field: Json) => field.description)];
  t.equal(expected.length, 5, "the spec and its four fields");
  for (const description of expected) t.ok(explained.includes(normalised(description)), `kubectl explain ipaddresspool.spec shows: ${description.split("\n")[0]}`);
});
