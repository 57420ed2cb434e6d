// Every readiness gate against a real kube-apiserver, whose list answers carry no kind on their
// items: with nothing ready the gate holds (hangar watches the object and applies nothing of the
// next stage), and it opens when the played controller writes the status a real one would.
import t from "tap";
import type { Resource } from "../lib/flight/contract.ts";
import type { PlannedFlight } from "../lib/flight/plan.ts";
import { deploy, examplePlan } from "./helpers/cluster.ts";
import { playedCluster, type PlayedCluster } from "./helpers/played-cluster.ts";
import { namespacedFlight, serviceWebhook } from "./helpers/test-flights.ts";
import type { AuditEvent } from "./helpers/real-apiserver.ts";

let cluster: PlayedCluster;
t.before(async () => {
  cluster = await playedCluster({ controllers: false });
});
t.teardown(() => cluster.close());
// Each test plays one controller step at a time: cluster.steps.

const labels = { app: "gated" };
const podTemplate = { metadata: { labels }, spec: { containers: [{ name: "main", image: "registry.example/gated:1" }] } };

/** A flight of the gated objects, then a ConfigMap that may only be applied once they are ready. */
function gatedFlight(namespace: string, gated: Resource[]): PlannedFlight {
  return namespacedFlight(namespace, [gated, [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "after-the-gate", namespace }, data: { ok: "1" } }]]);
}

/** A watch the applier opened on `resource` (named, or by label selector), as the server starts it. */
const watchOf = (resource: string, namespace: string | undefined, selector: string) => (event: AuditEvent) =>
  event.verb === "watch" && event.objectRef?.resource === resource && event.objectRef?.namespace === namespace && decodeURIComponent(event.requestURI).includes(selector);

/**
 * Whichever comes first: the applier watching the gated object (the gate holds), or the deploy
 * going on without it (the next stage applied, or the run over).
 */
async function firstOf(watching: Promise<unknown>, deploying: Promise<unknown>, next?: Promise<unknown>): Promise<string> {
  return Promise.race([
    watching.then(() => "holds"),
    deploying.then(() => "went on: the deploy finished", (error: Error) => `went on: the deploy failed: ${error.message}`),
    ...(next ? [next.then(() => "went on: the next gate")] : []),
  ]);
}

const revisions = async (namespace: string) =>
  (await cluster.client.json("GET", `/api/v1/namespaces/${namespace}/secrets`, { query: { labelSelector: "internal.yoke/kind=revision" } })).items.map((secret: { metadata: { name: string } }) => secret.metadata.name);

const configMapExists = (namespace: string) =>
  cluster.client.getOrUndefined(`/api/v1/namespaces/${namespace}/configmaps/after-the-gate`).then((found) => found !== undefined);

t.test("a Deployment with status {} holds the next stage until the played rollout", async (t) => {
  const namespace = "gate-deployment";
  const deployment: Resource = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace }, spec: { replicas: 1, selector: { matchLabels: labels }, template: podTemplate } };
  const deploying = deploy(cluster.client, [gatedFlight(namespace, [deployment])], { timeoutMs: 600_000 });
  t.equal(await firstOf(cluster.server.untilAudited(watchOf("deployments", namespace, "metadata.name=web")), deploying), "holds");
  t.equal(await configMapExists(namespace), false, "nothing of the next stage applied");
  await cluster.steps.rollOut("deployments", namespace, "web");
  const { summaries } = await deploying;
  t.equal(summaries[0]!.counts.created, 3);
  t.equal(await configMapExists(namespace), true);
});

t.test("a DaemonSet holds until the played rollout", async (t) => {
  const namespace = "gate-daemonset";
  const daemonSet: Resource = { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "agent", namespace }, spec: { selector: { matchLabels: labels }, template: podTemplate } };
  const deploying = deploy(cluster.client, [gatedFlight(namespace, [daemonSet])], { timeoutMs: 600_000 });
  t.equal(await firstOf(cluster.server.untilAudited(watchOf("daemonsets", namespace, "metadata.name=agent")), deploying), "holds");
  t.equal(await configMapExists(namespace), false);
  await cluster.steps.rollOut("daemonsets", namespace, "agent");
  await deploying;
  t.equal(await configMapExists(namespace), true);
});

t.test("a Job holds until the played Job controller marks it Complete", async (t) => {
  const namespace = "gate-job";
  const job: Resource = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: "once", namespace },
    spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "main", image: "registry.example/once:1" }] } } },
  };
  const deploying = deploy(cluster.client, [gatedFlight(namespace, [job])], { timeoutMs: 600_000 });
  t.equal(await firstOf(cluster.server.untilAudited(watchOf("jobs", namespace, "metadata.name=once")), deploying), "holds");
  t.equal(await configMapExists(namespace), false);
  await cluster.steps.completeJob(namespace, "once");
  await deploying;
  t.equal(await configMapExists(namespace), true);
});

t.test("a LoadBalancer Service holds the flight's end until it holds the address it asked for", async (t) => {
  const namespace = "gate-service";
  const service: Resource = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "entry", namespace, annotations: { "metallb.io/loadBalancerIPs": "10.0.0.3" } },
    spec: { type: "LoadBalancer", selector: labels, ports: [{ name: "http", port: 80, targetPort: 8080 }] },
  };
  const deploying = deploy(cluster.client, [gatedFlight(namespace, [service])], { timeoutMs: 600_000 });
  t.equal(await firstOf(cluster.server.untilAudited(watchOf("services", namespace, "metadata.name=entry")), deploying), "holds");
  t.equal(await configMapExists(namespace), true, "nothing in a flight waits for its own address: the next stage is applied");
  t.same(await revisions(namespace), [], "the flight is not done: no release recorded");
  await cluster.steps.assignAddress(namespace, "entry");
  await deploying;
  t.equal((await revisions(namespace)).length, 1);
});

t.test("a webhook holds the flight's end until its CA is injected, then until its Service has a ready endpoint", async (t) => {
  const namespace = "gate-webhook";
  const deployment: Resource = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "hook", namespace }, spec: { replicas: 1, selector: { matchLabels: labels }, template: podTemplate } };
  const service: Resource = { apiVersion: "v1", kind: "Service", metadata: { name: "hook", namespace }, spec: { selector: labels, ports: [{ port: 443, targetPort: 9443 }] } };
  const webhook = serviceWebhook("gate-webhook", { name: "hook", namespace });
  const deploying = deploy(cluster.client, [gatedFlight(namespace, [deployment, service, webhook])], { timeoutMs: 600_000 });
  const caWatch = cluster.server.untilAudited(watchOf("validatingwebhookconfigurations", undefined, "metadata.name=gate-webhook"));
  t.equal(await firstOf(cluster.server.untilAudited(watchOf("deployments", namespace, "metadata.name=hook")), deploying, caWatch), "holds", "first the Deployment");
  // Its pods run (no endpoints published yet), and no CA is injected.
  await cluster.steps.rollOut("deployments", namespace, "hook", { endpoints: false });
  t.equal(await firstOf(caWatch, deploying), "holds", "then the CA");
  await cluster.steps.injectCa("gate-webhook");
  t.equal(await firstOf(cluster.server.untilAudited(watchOf("endpointslices", namespace, "kubernetes.io/service-name=hook")), deploying), "holds", "then a ready endpoint");
  t.same(await revisions(namespace), [], "the flight is not done: no release recorded");
  await cluster.steps.publishEndpoints(namespace);
  await deploying;
  t.equal(await configMapExists(namespace), true);
});

t.test("MetalLB: with its webhook's CA and endpoint already there, the controller Deployment not Available still holds the flight", async (t) => {
  const metallb = examplePlan().find((flight) => flight.name === "metallb")!;
  const deploying = deploy(cluster.client, [metallb], { timeoutMs: 600_000 });
  const webhookService = "metallb-webhook-service";
  // As soon as the webhook configuration exists: a CA in it, and an endpoint behind its Service,
  // while the controller's Deployment and the speaker's DaemonSet stay without status.
  await cluster.server.untilAudited((e) => e.verb === "patch" && e.objectRef?.name === "metallb-webhook-configuration" && !e.requestURI.includes("dryRun") && e.responseStatus?.code === 201);
  await cluster.steps.injectCa("metallb-webhook-configuration");
  await cluster.client.json("POST", "/apis/discovery.k8s.io/v1/namespaces/metallb-system/endpointslices", {
    body: JSON.stringify({
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: `${webhookService}-played`, namespace: "metallb-system", labels: { "kubernetes.io/service-name": webhookService } },
      addressType: "IPv4",
      endpoints: [{ addresses: ["192.0.2.10"], conditions: { ready: true } }],
      ports: [{ name: "", port: 9443, protocol: "TCP" }],
    }),
  });
  const recorded = cluster.server.untilAudited((e) => e.verb === "patch" && e.objectRef?.resource === "secrets" && e.objectRef?.namespace === "metallb-system" && e.objectRef?.name?.startsWith("yoke.") === true);
  t.equal(await firstOf(cluster.server.untilAudited(watchOf("deployments", "metallb-system", "metadata.name=metallb-controller")), deploying, recorded), "holds", "the controller");
  t.equal(await firstOf(cluster.server.untilAudited(watchOf("daemonsets", "metallb-system", "metadata.name=metallb-speaker")), deploying, recorded), "holds", "the speaker");
  await cluster.steps.rollOut("daemonsets", "metallb-system", "metallb-speaker");
  await cluster.steps.rollOut("deployments", "metallb-system", "metallb-controller", { endpoints: false });
  const { summaries } = await deploying;
  t.equal(summaries[0]!.newRevision, true, "recorded once every gate opened");
});
