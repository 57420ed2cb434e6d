// MetalLB's address allocation as its controller does it (metallb/metallb
// internal/allocator/allocator.go, controller/service.go): a requested address must lie in a
// pool ("%q is not allowed in config") and be free ("can't change sharing key for %q, address
// also in use by %s"); without one, the first free address of an auto-assign pool ("no available
// IPs in pool %q" / "no available IPs"). A failure is a Warning event AllocationFailed on the
// Service: "Failed to allocate IP for "ns/name": <reason>".
import type { Engine } from "./engine.ts";
import type { Entry } from "./store.ts";
import type { Json } from "./apply.ts";

export interface Allocation {
  service: Entry;
  ip?: string;
  failure?: string;
}

const key = (entry: Entry) => `${entry.object.metadata.namespace}/${entry.object.metadata.name}`;

export function allocate(engine: Engine): Allocation[] {
  const all = engine.store.all();
  const services = all.filter((entry) => entry.kind.kind === "Service" && entry.object.spec?.type === "LoadBalancer");
  const pools = all.filter((entry) => entry.kind.kind === "IPAddressPool");
  const holder = new Map<string, string>();
  for (const service of services) {
    for (const ingress of service.object.status?.loadBalancer?.ingress ?? []) holder.set(ingress.ip, key(service));
  }
  const results: Allocation[] = [];
  for (const service of services) {
    if (service.object.status?.loadBalancer?.ingress) continue;
    const annotations = service.object.metadata.annotations ?? {};
    const wanted: string | undefined = annotations["metallb.io/loadBalancerIPs"]?.split(",")[0]?.trim() ?? service.object.spec.loadBalancerIP;
    let ip: string | undefined;
    let failure: string | undefined;
    if (wanted) {
      if (!pools.some((pool) => (pool.object.spec?.addresses ?? []).some((range: string) => inRange(wanted, range)))) failure = `"${wanted}" is not allowed in config`;
      else if (holder.has(wanted)) failure = `can't change sharing key for "${key(service)}", address also in use by ${holder.get(wanted)}`;
      else ip = wanted;
    } else {
      const poolName: string | undefined = annotations["metallb.io/address-pool"];
      const candidates = pools.filter((pool) => (poolName ? pool.object.metadata.name === poolName : pool.object.spec?.autoAssign !== false));
      ip = candidates.flatMap((pool) => addresses(pool.object.spec?.addresses ?? [])).find((address) => !holder.has(address));
      if (!ip) failure = poolName ? `no available IPs in pool "${poolName}"` : "no available IPs";
    }
    if (ip) holder.set(ip, key(service));
    results.push({ service, ip, failure });
  }
  return results;
}

/** The Warning event MetalLB's controller records on the Service (one per distinct message). */
export function recordFailure(engine: Engine, service: Entry, failure: string): void {
  const events = engine.kinds.byKind("v1", "Event")!;
  const { namespace, name } = service.object.metadata;
  const eventName = `${name}.${hash(failure)}`;
  if (engine.store.get(events, namespace, eventName)) return;
  const event: Json = {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: eventName, namespace },
    involvedObject: { apiVersion: "v1", kind: "Service", name, namespace, uid: service.object.metadata.uid },
    reason: "AllocationFailed",
    message: `Failed to allocate IP for "${namespace}/${name}": ${failure}`,
    type: "Warning",
    source: { component: "metallb-controller" },
    count: 1,
    lastTimestamp: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  };
  engine.apply(events, namespace, eventName, event, "metallb-controller", true, false);
}

function hash(text: string): string {
  let value = 0;
  for (const char of text) value = (value * 31 + char.charCodeAt(0)) >>> 0;
  return value.toString(16);
}

function toInt(ip: string): number {
  return ip.split(".").reduce((value, part) => value * 256 + Number(part), 0);
}

function fromInt(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join(".");
}

function span(range: string): [number, number] {
  if (range.includes("/")) {
    const [base, prefix] = range.split("/");
    const size = 2 ** (32 - Number(prefix));
    const first = toInt(base!) - (toInt(base!) % size);
    return [first, first + size - 1];
  }
  const [from, to] = range.split("-").map((part) => toInt(part.trim()));
  return [from!, to!];
}

function inRange(ip: string, range: string): boolean {
  const [first, last] = span(range);
  return toInt(ip) >= first && toInt(ip) <= last;
}

function addresses(ranges: string[]): string[] {
  return ranges.flatMap((range) => {
    const [first, last] = span(range);
    return Array.from({ length: Math.min(last - first + 1, 256) }, (_, index) => fromInt(first + index));
  });
}
