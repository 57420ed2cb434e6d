// Flights whose addresses come from another flight (ingress-nginx and the gateway from the MetalLB
// pool) start beside it: only their wait for an address holds until that flight is deployed.
import t from "tap";
import { deploy, examplePlan, fakeCluster } from "./helpers/cluster.ts";
import { namespacedFlight, testCrd } from "./helpers/test-flights.ts";
import { defaultDeployOptions, deployFlights, type DeployEvent } from "../lib/kube/deploy.ts";
import type { KubeClient } from "../lib/kube/client.ts";
import type { PlannedFlight } from "../lib/flight/plan.ts";
import type { RecordedRequest } from "./doubles/fake-apiserver/index.ts";

const ingressService = "Service/ingress-nginx/ingress-nginx-controller";
const applied = (namespace: string) => (request: RecordedRequest) => request.method === "PATCH" && request.query.dryRun === undefined && request.path.includes(`/namespaces/${namespace}/`);
const revisionWritten = (namespace: string) => (request: RecordedRequest) => applied(namespace)(request) && request.path.includes("/secrets/yoke.");

/** Stands in for the pool: a flight whose CRD the test can hold back from being Established. */
const provider: PlannedFlight = namespacedFlight("provider", [[testCrd("provider.hangar.dev", "Thing")]]);

/** ingress-nginx of the example, taking its address from the stand-in. */
const ingressFromProvider = (): PlannedFlight => ({ ...examplePlan().find((flight) => flight.name === "ingress-nginx")!, needs: [], addressesFrom: ["provider"] });

/** MetalLB and its pool deployed: the ingress Service gets 10.0.0.3 as soon as it exists. */
async function clusterWithPool() {
  const cluster = await fakeCluster();
  await deploy(cluster.client, examplePlan().filter((flight) => flight.name !== "ingress-nginx"));
  cluster.server.clearLog();
  return cluster;
}

function deployRecording(client: KubeClient, flights: PlannedFlight[], timeoutMs: number, onEvent: (event: DeployEvent) => void = () => undefined) {
  const events: DeployEvent[] = [];
  const run = deployFlights(client, flights, { ...defaultDeployOptions, timeoutMs }, (event) => {
    events.push(event);
    onEvent(event);
  });
  return { events, run };
}

t.test("the example: ingress-nginx starts beside MetalLB, its address is waited for after the pool", async (t) => {
  const { server, client } = await fakeCluster({ delays: { rollout: 300 } });
  t.teardown(() => server.close());
  // MetalLB held at its CRDs until ingress-nginx says it waits for the pool: a deploy whose
  // ingress-nginx waited for MetalLB before starting would never get there, and time out.
  server.hold("crd-established");
  const gate = `metallb-pool, which gives ${ingressService} an address`;
  const { events, run } = deployRecording(client, examplePlan(), 20_000, (event) => {
    if (event.type === "waiting" && event.flight === "ingress-nginx" && event.what === gate) server.release("crd-established");
  });
  const summaries = await run;
  t.same(summaries.map((summary) => summary.flight), ["metallb", "metallb-pool", "ingress-nginx"], "summaries in plan order");
  const metallbReady = server.events.find((event) => event.kind === "deployment-ready" && event.object === "Deployment/metallb-system/metallb-controller")!;
  const firstIngressWrite = server.requests.find(applied("ingress-nginx"))!;
  t.ok(firstIngressWrite.at < metallbReady.at, "ingress-nginx is being applied before MetalLB's controller is ready");
  const poolWrite = server.requests.find((request) => request.method === "PATCH" && request.query.dryRun === undefined && request.path.includes("/ipaddresspools/"))!;
  const ingressRevision = server.requests.find(revisionWritten("ingress-nginx"))!;
  t.ok(ingressRevision.at > poolWrite.at, "ingress-nginx is recorded only after the pool is applied");
  t.ok(events.some((event) => event.type === "waiting" && event.flight === "ingress-nginx" && event.what === gate));
  t.same(server.get("v1", "Service", "ingress-nginx", "ingress-nginx-controller")!.status.loadBalancer.ingress, [{ ip: "10.0.0.3", ipMode: "VIP" }]);
});

t.test("an address wait holds while the flight giving addresses is not deployed, even with the address there", async (t) => {
  const { server, client } = await clusterWithPool();
  t.teardown(() => server.close());
  server.hold("crd-established");
  const { events, run } = deployRecording(client, [provider, ingressFromProvider()], 3000);
  await t.rejects(run, /timed out after 3s \(the deploy's --timeout\) waiting for CustomResourceDefinition\/_\/things\.provider\.hangar\.dev/);
  t.ok(server.events.some((event) => event.kind === "lb-ip-assigned" && event.object === ingressService), "the Service held its address");
  t.ok(server.events.some((event) => event.kind === "deployment-ready" && event.object === "Deployment/ingress-nginx/ingress-nginx-controller"), "the rest of ingress-nginx was deployed");
  t.ok(events.some((event) => event.type === "waiting" && event.what === `provider, which gives ${ingressService} an address`));
  t.notOk(events.some((event) => event.type === "waiting" && event.what === ingressService), "the address wait itself never started");
  t.notOk(server.requests.some(revisionWritten("ingress-nginx")), "ingress-nginx was not recorded as deployed");
});

t.test("an address wait opens once the flight giving addresses is deployed", async (t) => {
  const { server, client } = await clusterWithPool();
  t.teardown(() => server.close());
  server.hold("crd-established");
  let gateReached!: () => void;
  const held = new Promise<void>((resolve) => (gateReached = resolve));
  const { run } = deployRecording(client, [provider, ingressFromProvider()], 20_000, (event) => {
    if (event.type === "waiting" && event.what === `provider, which gives ${ingressService} an address`) gateReached();
  });
  run.catch(() => undefined); // awaited below; a failure before then is not unhandled
  await held;
  t.notOk(server.requests.some(revisionWritten("ingress-nginx")), "not recorded while the gate holds");
  server.release("crd-established");
  await run;
  const established = server.events.find((event) => event.kind === "crd-established" && event.object.includes("things.provider.hangar.dev"))!;
  t.ok(server.requests.find(revisionWritten("ingress-nginx"))!.at > established.at, "recorded after the provider's CRD was Established");
});

t.test("a flight giving addresses that is not part of the deploy is named", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  await t.rejects(deploy(client, [ingressFromProvider()]), /flight ingress-nginx needs provider, which is not part of this deploy/);
  t.same(server.requests.filter((request) => request.mutating), [], "nothing written");
});
