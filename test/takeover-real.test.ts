// Taking over MetalLB's Helm install on a real kube-apiserver (the test plays the controllers):
// a CRD's schema is one atomic field to server-side apply, so whatever hangar's forced apply
// renders replaces what Helm installed. The chart's nine CRDs keep all 201 descriptions through
// the takeover, hangar alone owns them afterwards, and `kubectl explain` answers with them.
import t from "tap";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { KubeClient, type Json } from "../lib/kube/client.ts";
import { defaultDeployOptions } from "../lib/kube/deploy.ts";
import { planTakeover } from "../lib/takeover/plan.ts";
import { defaultPreviousManagers, executeTakeover } from "../lib/takeover/execute.ts";
import { examplePlan, fastRetry } from "./helpers/cluster.ts";
import { helmInstallMetallb } from "./helpers/helm-install.ts";
import { kubectlExplain, normalised } from "./helpers/kubectl-explain.ts";
import { ControllerPlayer } from "./helpers/play-controllers.ts";
import { startRealApiServer } from "./helpers/real-apiserver.ts";
import { countDescriptions } from "./helpers/upstream.ts";

const chart = parseAllDocuments(readFileSync(fileURLToPath(new URL("../../shared/upstream/helm-renders/metallb/manifest.yaml", import.meta.url)), "utf8"))
  .map((doc) => doc.toJS())
  .filter((object) => object?.kind === "CustomResourceDefinition");

t.test("a takeover of MetalLB's Helm install keeps every CRD description, and kubectl explain shows them", async (t) => {
  const server = await startRealApiServer();
  t.teardown(() => server.close());
  const client = await KubeClient.create({ kubeconfig: server.kubeconfig, retry: fastRetry });
  const player = new ControllerPlayer(await KubeClient.create({ kubeconfig: server.controllersKubeconfig, retry: fastRetry })).start();
  t.teardown(() => player.stop());

  const liveCrds = async (): Promise<Json[]> =>
    (await client.json("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions")).items.filter((crd: Json) => crd.spec.group === "metallb.io");
  await helmInstallMetallb(client);
  const before = await liveCrds();
  t.equal(before.length, 9);
  t.equal(countDescriptions(before.map((crd) => crd.spec)), 201, "Helm installed the chart's 201 descriptions");

  const flights = examplePlan().filter((flight) => flight.name === "metallb");
  const plan = await planTakeover(client, flights, { fieldManager: "yoke" });
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
