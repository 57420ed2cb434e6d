// The fake API server's MetalLB allocator against the messages MetalLB's own allocator writes
// (metallb/metallb internal/allocator/allocator.go): what the deploy's failure messages quote.
import t from "tap";
import { Engine } from "./doubles/fake-apiserver/engine.ts";
import { KindRegistry } from "./doubles/fake-apiserver/kinds.ts";
import { Store } from "./doubles/fake-apiserver/store.ts";
import { allocate, recordFailure } from "./doubles/fake-apiserver/metallb-allocator.ts";

function cluster(pools: [name: string, addresses: string[], autoAssign?: boolean][]) {
  const kinds = new KindRegistry();
  const engine = new Engine(new Store(), kinds, { admit: () => {}, changed: () => {} });
  const namespaces = kinds.byKind("v1", "Namespace")!;
  for (const name of ["metallb-system", "apps"]) engine.apply(namespaces, undefined, name, { apiVersion: "v1", kind: "Namespace", metadata: { name } }, "test", true, false);
  kinds.addCrd({ spec: { group: "metallb.io", names: { kind: "IPAddressPool", plural: "ipaddresspools" }, scope: "Namespaced", versions: [{ name: "v1beta1", served: true }] } });
  const poolKind = kinds.byKind("metallb.io/v1beta1", "IPAddressPool")!;
  for (const [name, addresses, autoAssign] of pools) {
    engine.apply(poolKind, "metallb-system", name, { apiVersion: "metallb.io/v1beta1", kind: "IPAddressPool", metadata: { name, namespace: "metallb-system" }, spec: { addresses, autoAssign: autoAssign ?? true } }, "test", true, false);
  }
  const services = kinds.byKind("v1", "Service")!;
  const service = (name: string, annotations: Record<string, string> = {}, ip?: string) => {
    engine.apply(services, "apps", name, { apiVersion: "v1", kind: "Service", metadata: { name, namespace: "apps", annotations }, spec: { type: "LoadBalancer" } }, "test", true, false);
    if (ip) engine.setStatus(engine.store.get(services, "apps", name)!, { loadBalancer: { ingress: [{ ip }] } });
  };
  const results = () => allocate(engine).map(({ service: entry, ip, failure }) => [entry.object.metadata.name, ip ?? failure]);
  return { engine, service, results };
}

t.test("a requested address: assigned when in a pool and free, else MetalLB's reason", async (t) => {
  const { service, results } = cluster([["lan", ["10.0.0.3-10.0.0.4"]]]);
  service("ingress", { "metallb.io/loadBalancerIPs": "10.0.0.3" }, "10.0.0.3");
  service("gateway", { "metallb.io/loadBalancerIPs": "10.0.0.4" });
  service("astray", { "metallb.io/loadBalancerIPs": "10.0.0.9" });
  service("taken", { "metallb.io/loadBalancerIPs": "10.0.0.3" });
  t.same(results(), [
    ["gateway", "10.0.0.4"],
    ["astray", '"10.0.0.9" is not allowed in config'],
    ["taken", `can't change sharing key for "apps/taken", address also in use by apps/ingress`],
  ]);
});

t.test("no requested address: the first free one of a pool, or the pool is exhausted", async (t) => {
  const { service, results } = cluster([["lan", ["10.0.0.3/32"]], ["manual", ["10.0.0.8/32"], false]]);
  service("first");
  service("second");
  service("named", { "metallb.io/address-pool": "lan" });
  t.same(results(), [["first", "10.0.0.3"], ["second", "no available IPs"], ["named", 'no available IPs in pool "lan"']], "autoAssign false pools are only for those who name them");
});

t.test("a refusal is one Warning event AllocationFailed on the Service, as MetalLB's controller records it", async (t) => {
  const { engine, service } = cluster([["lan", ["10.0.0.3/32"]]]);
  service("astray", { "metallb.io/loadBalancerIPs": "10.0.0.9" });
  const [{ service: entry, failure }] = allocate(engine) as [{ service: any; failure: string }];
  recordFailure(engine, entry, failure);
  recordFailure(engine, entry, failure);
  const events = engine.store.all().filter((e) => e.kind.kind === "Event").map((e) => e.object);
  t.equal(events.length, 1, "the same refusal twice is one event");
  t.match(events[0], { type: "Warning", reason: "AllocationFailed", message: 'Failed to allocate IP for "apps/astray": "10.0.0.9" is not allowed in config', involvedObject: { kind: "Service", name: "astray", namespace: "apps" }, source: { component: "metallb-controller" } });
});
