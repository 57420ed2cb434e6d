// The gateway flight: a GatewayClass for Envoy Gateway, then one Gateway whose address MetalLB
// pins through the annotations Envoy Gateway copies onto its Service (never spec.addresses).
import t from "tap";
import { spawnSync } from "node:child_process";
import { gateway } from "../../flights/gateway/flight.ts";
import { gatewayInputFrom } from "../../flights/gateway/from-homelab.ts";
import { envoyGatewayInputFrom } from "../../flights/envoy-gateway/from-homelab.ts";
import { ingressNginxInputFrom } from "../../flights/ingress-nginx/from-homelab.ts";
import { parseHomelab } from "../../lib/homelab/load.ts";
import { undeclaredFlights } from "../../lib/flight/plan.ts";
import { flights } from "../../flights/index.ts";
import { rejectsBadInput } from "../helpers/fake-io.ts";
import { builtFlight } from "../helpers/dist.ts";
import { exampleText } from "../helpers/example.ts";

const render = (raw: unknown, namespace = "envoy-gateway-system") => gateway.render(gateway.parse(raw), { name: "gateway", namespace });

t.test("the class first, then the Gateway, pinned through MetalLB's annotations", async (t) => {
  const stages = render({ address: "10.0.0.4", addressPool: "lan" });
  t.same(stages.map((stage) => stage.map((resource) => resource.kind)), [["GatewayClass"], ["Gateway"]]);
  const [[gatewayClass], [homelab]] = stages as [[any], [any]];
  t.same(gatewayClass.spec, { controllerName: "gateway.envoyproxy.io/gatewayclass-controller" });
  t.equal(homelab.metadata.namespace, "envoy-gateway-system");
  t.equal(homelab.spec.gatewayClassName, gatewayClass.metadata.name);
  t.same(homelab.spec.infrastructure.annotations, { "metallb.io/loadBalancerIPs": "10.0.0.4", "metallb.io/address-pool": "lan" });
  t.notOk("addresses" in homelab.spec, "spec.addresses would become externalIPs, which MetalLB ignores");
  t.same(homelab.spec.listeners, [{ allowedRoutes: { namespaces: { from: "All" } }, name: "http", port: 80, protocol: "HTTP" }]);
});

t.test("a certificate Secret adds the HTTPS listener; no pool, no pool annotation", async (t) => {
  const [, [homelab]] = render({ address: "10.0.0.4", certificateSecret: "wildcard-tls" }) as [unknown, [any]];
  t.same(homelab.spec.infrastructure.annotations, { "metallb.io/loadBalancerIPs": "10.0.0.4" });
  t.same(homelab.spec.listeners.map((listener: any) => [listener.name, listener.port, listener.protocol]), [["http", 80, "HTTP"], ["https", 443, "HTTPS"]]);
  t.same(homelab.spec.listeners[1].tls, { certificateRefs: [{ kind: "Secret", name: "wildcard-tls" }], mode: "Terminate" });
});

t.test("homelab.yaml: each entry point deploys only when declared", async (t) => {
  const { homelab: shipped } = parseHomelab(exampleText, "homelab.yaml");
  t.equal(gatewayInputFrom(shipped), undefined, "the shipped example declares no gateway");
  t.equal(envoyGatewayInputFrom(shipped), undefined);
  t.ok(ingressNginxInputFrom(shipped));
  const both = exampleText
    .replace("addresses: [10.0.0.3/32]", "addresses: [10.0.0.3-10.0.0.4]")
    .concat("  gateway:\n    address: 10.0.0.4\n    pool: lan\n    certificateSecret: wildcard-tls\n");
  const { homelab } = parseHomelab(both, "homelab.yaml");
  t.same(gatewayInputFrom(homelab), { address: "10.0.0.4", addressPool: "lan", certificateSecret: "wildcard-tls" });
  t.same(envoyGatewayInputFrom(homelab), { logLevel: "info" });
  const { homelab: gatewayOnly } = parseHomelab(both.replace(/ {2}ingressNginx:\n(?: {4}.*\n)+/, ""), "homelab.yaml");
  t.equal(ingressNginxInputFrom(gatewayOnly), undefined, "ingressNginx removed: not deployed, so prune deletes it");
});

const bad: [unknown, string][] = [
  [{}, "gateway: input.address: is required"],
  [{ address: "10.0.0.300" }, 'gateway: input.address: must be an IPv4 address (got "10.0.0.300")'],
  [{ address: "10.0.0.4", addressPool: "LAN" }, 'gateway: input.addressPool: must be a DNS-1123 label (got "LAN")'],
  [{ address: "10.0.0.4", addresses: ["10.0.0.4"] }, "gateway: input.addresses: is not a known field"],
];
rejectsBadInput(t, gateway, bad);

t.test("the built bundle prints what the in-process render returns", async (t) => {
  const input = { address: "10.0.0.4", addressPool: "lan" };
  const run = spawnSync(process.execPath, [builtFlight("gateway")], {
    input: JSON.stringify(input),
    env: { ...process.env, YOKE_RELEASE: "gateway", YOKE_NAMESPACE: "edge" },
    encoding: "utf8",
  });
  t.equal(run.status, 0, run.stderr);
  t.equal(run.stdout, JSON.stringify(render(input, "edge"), null, 2) + "\n");
});

t.test("undeclared flights are retired dependents first", async (t) => {
  const { homelab } = parseHomelab(exampleText, "homelab.yaml");
  const { ingressNginx: _gone, ...addons } = homelab.addons;
  t.same(undeclaredFlights({ ...homelab, addons }, flights).map((flight) => flight.name), ["gateway", "envoy-gateway", "ingress-nginx"]);
  t.same(undeclaredFlights(homelab, flights).map((flight) => flight.name), ["gateway", "envoy-gateway"], "the shipped example declares no Gateway");
});
