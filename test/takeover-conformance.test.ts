// The fake API server held to a real kube-apiserver for what a takeover relies on: a Deployment
// created by Helm (operation Update), taken over by a forced server-side apply of field manager
// yoke, then released with the takeover's JSON patch. Both servers must agree on who owns what,
// on the conflict, on the labels and annotations left, and on the pod template being untouched.
import t from "tap";
import { fakeCluster } from "./helpers/cluster.ts";
import { startRealApiServer } from "./helpers/real-apiserver.ts";
import { releaseOperations } from "../lib/takeover/execute.ts";
import { KubeClient, type Json } from "../lib/kube/client.ts";

const path = "/apis/apps/v1/namespaces/adopt/deployments/web";
const template = { metadata: { labels: { app: "web", "helm.sh/chart": "web-1.0.0" } }, spec: { containers: [{ name: "web", image: "nginx:1.29", args: ["--port=80"] }] } };
const helmObject = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: {
    name: "web",
    labels: { app: "web", "app.kubernetes.io/managed-by": "Helm", "helm.sh/chart": "web-1.0.0" },
    annotations: { "meta.helm.sh/release-name": "web", "meta.helm.sh/release-namespace": "adopt" },
  },
  spec: { selector: { matchLabels: { app: "web" } }, template },
};
const hangarObject = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "adopt", labels: { app: "web", "app.kubernetes.io/managed-by": "yoke" }, annotations: { "instance.atc.yoke.cd/release": "web" } },
  spec: { selector: { matchLabels: { app: "web" } }, template },
};

const owners = (object: Json) => object.metadata.managedFields.map((entry: Json) => `${entry.manager} ${entry.operation}`).sort();
const apply = (client: KubeClient, force: boolean) =>
  client.json("PATCH", path, { query: { fieldManager: "yoke", force: String(force) }, body: JSON.stringify(hangarObject), contentType: "application/apply-patch+yaml" });

async function scenario(client: KubeClient) {
  await client.json("POST", "/api/v1/namespaces", { body: JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "adopt" } }) });
  const created = await client.json("POST", "/apis/apps/v1/namespaces/adopt/deployments", { query: { fieldManager: "helm" }, body: JSON.stringify(helmObject) });
  const conflict = await apply(client, false).then(() => "none", (error: Error) => error.message);
  const applied = await apply(client, true);
  await client.json("PATCH", path, { query: { fieldManager: "yoke" }, body: JSON.stringify(releaseOperations(applied, { keepsChartLabel: false }, ["helm"])), contentType: "application/json-patch+json" });
  const released = await client.json("GET", path);
  const again = await client.json("PATCH", path, { query: { fieldManager: "yoke" }, body: JSON.stringify([{ op: "test", path: "/metadata/resourceVersion", value: applied.metadata.resourceVersion }]), contentType: "application/json-patch+json" }).then(() => "accepted", (error: Error) => error.message);
  return {
    created: owners(created),
    conflict,
    applied: owners(applied),
    released: owners(released),
    labels: released.metadata.labels,
    annotations: released.metadata.annotations,
    templateUnchanged: JSON.stringify(released.spec.template) === JSON.stringify(created.spec.template),
    staleTest: again,
  };
}

t.test("Helm's Deployment taken over and released: the fake answers as kube-apiserver does", async (t) => {
  const real = await startRealApiServer();
  t.teardown(() => real.close());
  const fake = await fakeCluster();
  t.teardown(() => fake.server.close());
  // No controller runs beside the real server: the fake's simulated rollout, which writes the
  // Deployment's status (a new resourceVersion) at a moment of its own, is held too.
  fake.server.hold("rollout");
  const expected = await scenario(await KubeClient.create({ kubeconfig: real.kubeconfig }));
  t.same(expected, {
    created: ["helm Update"],
    conflict: 'Apply failed with 1 conflict: conflict with "helm" using apps/v1: .metadata.labels.app.kubernetes.io/managed-by',
    applied: ["helm Update", "yoke Apply"],
    released: ["yoke Apply"],
    labels: { app: "web", "app.kubernetes.io/managed-by": "yoke" },
    annotations: { "instance.atc.yoke.cd/release": "web" },
    templateUnchanged: true,
    staleTest: "the server rejected our request due to an error in our request",
  }, "kube-apiserver");
  t.same(await scenario(fake.client), expected, "the fake API server");
});
