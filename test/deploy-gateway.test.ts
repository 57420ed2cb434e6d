// Envoy Gateway and the homelab Gateway against the fake API server (which plays Envoy Gateway,
// certgen and MetalLB as their sources say they behave): the migration example end to end in
// order, the gates, the Gateway's readiness with its address, MetalLB's refusals in the failure
// message, and the move off ingress-nginx with prune.
import t from "tap";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { deploy, fakeCluster } from "./helpers/cluster.ts";
import { renderPlan, undeclaredFlights, type PlannedFlight } from "../lib/flight/plan.ts";
import { flights } from "../flights/index.ts";
import { parseHomelab } from "../lib/homelab/load.ts";
import type { Homelab } from "../lib/homelab/schema.ts";
import { defaultDeployOptions, retireReleases, type DeployEvent } from "../lib/kube/deploy.ts";
import type { FakeApiServer } from "./doubles/fake-apiserver/index.ts";

const exampleText = readFileSync(fileURLToPath(new URL("../examples/gateway.yaml", import.meta.url)), "utf8");
const example = (): Homelab => parseHomelab(exampleText, "gateway.yaml").homelab;
const withGatewayAddress = (address: string): Homelab => {
  const homelab = example();
  return { ...homelab, addons: { ...homelab.addons, gateway: { ...homelab.addons.gateway!, address } } };
};

/** When the first non-dry-run write to a path matching `part` happened. */
function firstWrite(server: FakeApiServer, part: string): number {
  const found = server.requests.find((r) => r.mutating && r.method === "PATCH" && r.path.includes(part));
  if (!found) throw new Error(`no write to ${part}`);
  return found.at;
}
function gate(server: FakeApiServer, kind: string, object: string): number {
  const found = server.events.find((e) => e.kind === kind && e.object === object);
  if (!found) throw new Error(`no ${kind} gate for ${object}`);
  return found.at;
}

t.test("both entry points deploy, each on its address, in dependency order", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  const { summaries, events } = await deploy(client, renderPlan(example(), flights));
  const ended = performance.now();
  t.same(summaries.map((s) => s.flight).sort(), ["envoy-gateway", "gateway", "ingress-nginx", "metallb", "metallb-pool"]);
  t.same(summaries.find((s) => s.flight === "envoy-gateway")!.counts.created, 41);

  const homelab = server.get("gateway.networking.k8s.io/v1", "Gateway", "envoy-gateway-system", "homelab")!;
  t.same(homelab.status.addresses, [{ type: "IPAddress", value: "10.0.0.4" }], "the Gateway holds the declared address");
  t.match(homelab.status.conditions.find((c: any) => c.type === "Programmed"), { status: "True", reason: "Programmed" });
  const ingress = server.get("v1", "Service", "ingress-nginx", "ingress-nginx-controller")!;
  t.same(ingress.status.loadBalancer.ingress, [{ ip: "10.0.0.3", ipMode: "VIP" }], "ingress-nginx keeps its own");
  t.same(events.filter((e) => e.type === "address").map((e) => (e as Extract<DeployEvent, { type: "address" }>).address).sort(), ["10.0.0.3", "10.0.0.4"]);

  const ns = "envoy-gateway-system";
  const vap = firstWrite(server, "/validatingadmissionpolicies/");
  t.ok(firstWrite(server, "/customresourcedefinitions/gateways.gateway.networking.k8s.io") < vap, "CRDs before the safe-upgrades policy");
  t.ok(gate(server, "crd-established", "CustomResourceDefinition/_/gateways.gateway.networking.k8s.io") < vap, "and Established first");
  const certgen = firstWrite(server, `/namespaces/${ns}/jobs/eg-gateway-helm-certgen`);
  t.ok(firstWrite(server, "/mutatingwebhookconfigurations/") < certgen, "the webhook configuration exists before certgen patches it");
  t.ok(firstWrite(server, "/clusterrolebindings/eg-gateway-helm-certgen") < certgen, "certgen's RBAC before certgen");
  const controller = firstWrite(server, `/namespaces/${ns}/deployments/envoy-gateway`);
  t.ok(gate(server, "job-complete", `Job/${ns}/eg-gateway-helm-certgen`) < controller, "the controller after certgen completed");
  t.ok(gate(server, "cabundle-injected", "MutatingWebhookConfiguration/_/envoy-gateway-topology-injector.envoy-gateway-system") < controller);
  const gatewayClass = firstWrite(server, "/gatewayclasses/envoy-gateway");
  const endpointsLook = server.requests.find((r) => r.path === `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices` && r.query.labelSelector === "kubernetes.io/service-name=envoy-gateway");
  t.ok(endpointsLook && endpointsLook.at < gatewayClass, "the webhook gate looked at the Service's endpoints");
  t.ok(gate(server, "endpoints-ready", `Service/${ns}/envoy-gateway`) < gatewayClass, "the GatewayClass only once Envoy Gateway serves");
  t.ok(firstWrite(server, "/ipaddresspools/lan") < gatewayClass, "the pool before the Gateway that takes an address from it");
  t.ok(gate(server, "gatewayclass-accepted", "GatewayClass/_/envoy-gateway") < firstWrite(server, `/namespaces/${ns}/gateways/homelab`), "the Gateway once its class is Accepted");
  t.ok(gate(server, "gateway-programmed", `Gateway/${ns}/homelab`) < ended, "done only once the Gateway is Programmed");
});

t.test("an address outside every pool: the wait names Envoy Gateway's condition and MetalLB's reason", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  const plan = renderPlan(withGatewayAddress("10.0.0.9"), flights);
  // Everything before the Gateway with time to spare; then the Gateway alone, whose run ends at its deadline.
  await deploy(client, plan.filter((flight) => flight.name !== "gateway"));
  await t.rejects(
    deploy(client, plan.filter((flight) => flight.name === "gateway").map((flight) => ({ ...flight, needs: [], addressesFrom: [] })), { timeoutMs: 3000 }),
    new RegExp(
      [
        "timed out after 3s \\(the deploy's --timeout\\) waiting for Gateway/envoy-gateway-system/homelab: last seen Programmed False \\(AddressNotAssigned: No addresses have been assigned to the Gateway\\), addresses none \\(asked for 10\\.0\\.0\\.9\\); ",
        'MetalLB on Service envoy-gateway-system/envoy-envoy-gateway-system-homelab-[0-9a-f]{8}: Failed to allocate IP for "envoy-gateway-system/envoy-envoy-gateway-system-homelab-[0-9a-f]{8}": "10\\.0\\.0\\.9" is not allowed in config$',
      ].join(""),
    ),
  );
});

t.test("an address another Service holds (the pool is exhausted): MetalLB says who holds it", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  const plan = renderPlan(withGatewayAddress("10.0.0.3"), flights);
  // ingress-nginx takes 10.0.0.3 first: deploy it, then the Gateway that asks for the same address.
  await deploy(client, plan.filter((flight) => ["metallb", "metallb-pool", "ingress-nginx", "envoy-gateway"].includes(flight.name)));
  await t.rejects(
    deploy(client, plan.filter((flight) => flight.name === "gateway").map((flight) => ({ ...flight, needs: [], addressesFrom: [] })), { timeoutMs: 3000 }),
    /Programmed False \(AddressNotAssigned: .*\(asked for 10\.0\.0\.3\); MetalLB on Service .*: Failed to allocate IP for ".*": can't change sharing key for ".*", address also in use by ingress-nginx\/ingress-nginx-controller$/,
  );
});

t.test("certgen needs the webhook configuration: without it the Job fails, as Envoy Gateway's does", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  const plan = renderPlan(example(), flights).filter((flight) => !["ingress-nginx", "gateway"].includes(flight.name));
  const withoutWebhook: PlannedFlight[] = plan.map((flight) =>
    flight.name !== "envoy-gateway" ? flight : { ...flight, stages: flight.stages.map((stage) => stage.filter((r) => r.kind !== "MutatingWebhookConfiguration")) },
  );
  await t.rejects(deploy(client, withoutWebhook), /Job\/envoy-gateway-system\/eg-gateway-helm-certgen: job failed: .*failed to get mutating webhook configuration/);
});

t.test("the move: declare the gateway, deploy, then remove ingressNginx and its release is pruned", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  await deploy(client, renderPlan(example(), flights));
  const { ingressNginx: _removed, ...addons } = example().addons;
  const after: Homelab = { ...example(), addons };
  t.same(undeclaredFlights(after, flights).map((flight) => flight.name), ["ingress-nginx"]);
  const { summaries } = await deploy(client, renderPlan(after, flights));
  t.ok(summaries.every((s) => s.counts.created === 0 && s.counts.configured === 0), "the declared add-ons are unchanged");
  server.clearLog();
  const [preview] = await retireReleases(client, undeclaredFlights(after, flights), { ...defaultDeployOptions, dryRun: true }, () => {});
  t.same([preview!.counts["would delete"], preview!.counts.pruned], [16, 0], "a dry run names what would be deleted: what the retirement then deletes");
  t.same(server.requests.filter((r) => r.mutating), [], "and writes nothing");
  const events: DeployEvent[] = [];
  const retired = await retireReleases(client, undeclaredFlights(after, flights), { ...defaultDeployOptions, timeoutMs: 20_000 }, (event) => events.push(event));
  t.same(retired.map((s) => [s.flight, s.counts.pruned, s.counts.kept]), [["ingress-nginx", 16, 1]], "everything but the namespace (and the Jobs, gone by their TTL) is deleted");
  t.notOk(server.get("v1", "Service", "ingress-nginx", "ingress-nginx-controller"));
  t.notOk(server.get("networking.k8s.io/v1", "IngressClass", undefined, "nginx"));
  t.ok(server.get("v1", "Namespace", undefined, "ingress-nginx"), "namespaces are kept, as yoke keeps them");
  t.same(server.get("gateway.networking.k8s.io/v1", "Gateway", "envoy-gateway-system", "homelab")!.status.addresses, [{ type: "IPAddress", value: "10.0.0.4" }], "the Gateway keeps answering");
  t.same(await retireReleases(client, undeclaredFlights(after, flights), defaultDeployOptions, () => {}), [], "a second run has nothing left to retire");
});
