// A gate that times out names the cause, on a real kube-apiserver: the workloads behind it, their
// ready counts, their pods' states and the newest warnings about them. The pods and events are
// played here as the ReplicaSet controller and the kubelet would write them.
import t from "tap";
import type { Resource } from "../lib/flight/contract.ts";
import type { PlannedFlight } from "../lib/flight/plan.ts";
import { deploy } from "./helpers/cluster.ts";
import { playedCluster, type PlayedCluster } from "./helpers/played-cluster.ts";
import { namespacedFlight, serviceWebhook } from "./helpers/test-flights.ts";

let cluster: PlayedCluster;
t.before(async () => {
  cluster = await playedCluster({ controllers: false });
});
t.teardown(() => cluster.close());

const labels = { app: "web" };
const image = "registry.example/web:1";

function flight(namespace: string, extra: Resource[] = []): PlannedFlight {
  return namespacedFlight(namespace, [[
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "web", namespace } },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace },
      spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { serviceAccountName: "web", containers: [{ name: "web", image }] } } },
    },
    ...extra,
  ]]);
}

/** A pod of the Deployment, with the container state the kubelet would report, and a warning about it. */
async function playPod(namespace: string, name: string, status: object, warning: { reason: string; message: string }): Promise<void> {
  await cluster.client.json("POST", `/api/v1/namespaces/${namespace}/pods`, {
    body: JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace, labels }, spec: { serviceAccountName: "web", containers: [{ name: "web", image }] } }),
  });
  await cluster.client.json("PATCH", `/api/v1/namespaces/${namespace}/pods/${name}/status`, { body: JSON.stringify({ status }), contentType: "application/merge-patch+json" });
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  await cluster.client.json("POST", `/api/v1/namespaces/${namespace}/events`, {
    body: JSON.stringify({
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: `${name}.played`, namespace },
      involvedObject: { apiVersion: "v1", kind: "Pod", namespace, name },
      type: "Warning",
      source: { component: "kubelet" },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 4,
      ...warning,
    }),
  });
}

const watching = (resource: string, namespace: string | undefined) => cluster.server.untilAudited((e) => e.verb === "watch" && e.objectRef?.resource === resource && e.objectRef?.namespace === namespace);

t.test("a Deployment that never becomes ready: its pods' state and the kubelet's newest warning", async (t) => {
  const namespace = "explain-deployment";
  const deploying = deploy(cluster.client, [flight(namespace)], { timeoutMs: 10_000 });
  await watching("deployments", namespace);
  await playPod(namespace, "web-7c9d4-x2x9p", {
    phase: "Pending",
    containerStatuses: [{ name: "web", image, imageID: "", ready: false, restartCount: 0, started: false, state: { waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${image}"` } } }],
  }, { reason: "Failed", message: `Failed to pull image "${image}": failed to resolve reference "${image}": not found` });
  await t.rejects(
    deploying,
    new RegExp(
      "timed out after 10s \\(the deploy's --timeout\\) waiting for Deployment/explain-deployment/web: last seen .*; " +
        "Deployment explain-deployment/web 0/1 ready, pod web-7c9d4-x2x9p Pending \\(ImagePullBackOff\\); " +
        'newest warnings: Pod web-7c9d4-x2x9p: Failed: Failed to pull image "registry\\.example/web:1": .* \\(4 times\\)$',
    ),
  );
});

t.test("a webhook whose Service has no ready endpoint: the Deployment behind it, its pod and its warning", async (t) => {
  const namespace = "explain-webhook";
  const service: Resource = { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace }, spec: { selector: labels, ports: [{ port: 443, targetPort: 9443 }] } };
  const webhook = serviceWebhook("explain-webhook", { name: "web", namespace });
  const deploying = deploy(cluster.client, [flight(namespace, [service, webhook])], { timeoutMs: 10_000 });
  await watching("deployments", namespace);
  // Rolled out and its CA injected, but its pod never passes its readiness probe: no endpoint.
  await cluster.steps.rollOut("deployments", namespace, "web", { endpoints: false });
  await watching("validatingwebhookconfigurations", undefined);
  await cluster.steps.injectCa("explain-webhook");
  await playPod(namespace, "web-5f6b7-abcde", {
    phase: "Running",
    conditions: [{ type: "Ready", status: "False" }],
    containerStatuses: [{ name: "web", image, imageID: "", ready: false, restartCount: 0, started: true, state: { running: { startedAt: new Date().toISOString().replace(/\.\d+Z$/, "Z") } } }],
  }, { reason: "Unhealthy", message: "Readiness probe failed: HTTP probe failed with statuscode: 503" });
  await t.rejects(
    deploying,
    new RegExp(
      "timed out after 10s \\(the deploy's --timeout\\) waiting for webhook Service explain-webhook/web endpoints: last seen no endpoints; " +
        "behind it: Deployment explain-webhook/web 1/1 ready, pod web-5f6b7-abcde Running, not ready; " +
        "newest warnings: Pod web-5f6b7-abcde: Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503 \\(4 times\\)$",
    ),
  );
});
