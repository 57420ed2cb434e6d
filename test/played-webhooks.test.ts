// The admission webhooks the tests play (played-webhooks.ts) behind a real kube-apiserver: the
// server itself decides when a call goes through. No ready endpoint: refused, as a webhook whose
// pod is not ready yet. A CA in the configuration that did not sign the serving certificate:
// refused by the server's TLS check. The played CA injected and the Deployment rolled out: the
// call reaches the test over the server's tunnel and the object is admitted.
import t from "tap";
import { readFileSync } from "node:fs";
import type { KubeClient } from "../lib/kube/client.ts";
import { Discovery } from "../lib/kube/discovery.ts";
import { endpointsReady } from "../lib/kube/readiness.ts";
import { waitUntilSetReady } from "../lib/kube/wait.ts";
import { playedCluster } from "./helpers/played-cluster.ts";

const apply = (client: KubeClient, path: string, body: object) =>
  client.json("PATCH", path, { query: { fieldManager: "played-webhooks-test", force: "true" }, body: JSON.stringify(body), contentType: "application/apply-patch+yaml" });
const configMap = (client: KubeClient, name: string) =>
  apply(client, `/api/v1/namespaces/probe/configmaps/${name}`, { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "probe" } }).then(
    () => "admitted",
    (error: Error) => error.message,
  );
const webhookConfiguration = (caBundle?: string) => ({
  apiVersion: "admissionregistration.k8s.io/v1",
  kind: "ValidatingWebhookConfiguration",
  metadata: { name: "probe" },
  webhooks: [{
    name: "probe.hangar.test", admissionReviewVersions: ["v1"], sideEffects: "None", failurePolicy: "Fail",
    clientConfig: { service: { name: "hook", namespace: "probe", port: 443, path: "/validate" }, ...(caBundle && { caBundle }) },
    rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["configmaps"] }],
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "probe" } },
  }],
});

t.test("a played webhook answers only when a cluster's would", async (t) => {
  const cluster = await playedCluster();
  t.teardown(cluster.close);
  const { client } = cluster;
  const configurations = "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations";
  await apply(client, "/api/v1/namespaces/probe", { apiVersion: "v1", kind: "Namespace", metadata: { name: "probe" } });
  await apply(client, "/api/v1/namespaces/probe/services/hook", { apiVersion: "v1", kind: "Service", metadata: { name: "hook", namespace: "probe" }, spec: { ports: [{ port: 443, targetPort: 9443 }], selector: { app: "hook" } } });

  // A CA of its own (the server's), which did not sign the played certificate; no pod yet.
  await apply(client, `${configurations}/probe`, webhookConfiguration(readFileSync(cluster.server.caFile).toString("base64")));
  t.match(await configMap(client, "early"), /failed calling webhook "probe\.hangar\.test".*no endpoints available for service "hook"/, "no ready endpoint: refused");

  await apply(client, "/apis/apps/v1/namespaces/probe/deployments/hook", {
    apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "hook", namespace: "probe" },
    spec: { selector: { matchLabels: { app: "hook" } }, template: { metadata: { labels: { app: "hook" } }, spec: { containers: [{ name: "hook", image: "hook:1" }] } } },
  });
  const slices = (await new Discovery(client).find("discovery.k8s.io/v1", "EndpointSlice"))!;
  await waitUntilSetReady(client, { info: slices, namespace: "probe", labelSelector: "kubernetes.io/service-name=hook", what: "hook's endpoints", check: endpointsReady }, AbortSignal.timeout(60_000));
  const [slice] = (await client.json("GET", "/apis/discovery.k8s.io/v1/namespaces/probe/endpointslices", { query: { labelSelector: "kubernetes.io/service-name=hook" } })).items;
  const endpoint = `${slice.endpoints[0].addresses[0]}:${slice.ports[0].port}`;
  t.match(await configMap(client, "wrong-ca"), /failed calling webhook "probe\.hangar\.test".*x509: certificate signed by unknown authority/, "another CA: the server's TLS check refuses");
  t.same(cluster.webhooks.calls, [], "nothing reached the webhook yet");

  // The played controllers inject their CA where the configuration has none, as cert rotators do.
  await client.json("DELETE", `${configurations}/probe`);
  await apply(client, `${configurations}/probe`, webhookConfiguration());
  await waitUntilSetReady(client, {
    info: (await new Discovery(client).find("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"))!,
    namespace: undefined, labelSelector: "", what: "the injected CA",
    check: (objects) => ({ ready: objects.some((object) => object.metadata.name === "probe" && object.webhooks[0].clientConfig.caBundle === cluster.webhooks.caBundle), observed: "no CA" }),
  }, AbortSignal.timeout(60_000));
  t.equal(await configMap(client, "admitted"), "admitted", "a ready endpoint and the played CA: admitted");
  t.same(cluster.webhooks.calls, [{ service: "hook.probe.svc", endpoint, path: "/validate?timeout=10s", kind: "ConfigMap", operation: "CREATE" }], "the one call, by the Service's name, to its ready endpoint");
});
