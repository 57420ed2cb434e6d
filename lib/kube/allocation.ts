// Why a LoadBalancer address is missing, in MetalLB's words: its controller records a Warning
// event `AllocationFailed` on the Service ("Failed to allocate IP for "ns/name": "10.0.0.9" is
// not allowed in config", or "... address also in use by ..." when another Service holds it;
// metallb/metallb controller/service.go, internal/allocator/allocator.go).
import type { KubeClient, Json } from "./client.ts";

/** Envoy Gateway labels the Service it creates for a Gateway with the Gateway's name and namespace. */
const owningName = "gateway.envoyproxy.io/owning-gateway-name";
const owningNamespace = "gateway.envoyproxy.io/owning-gateway-namespace";

export async function allocationFailure(client: KubeClient, namespace: string, service: string, signal?: AbortSignal): Promise<string | undefined> {
  const events = await client.json("GET", `/api/v1/namespaces/${namespace}/events`, { signal });
  const failures: Json[] = (events.items ?? []).filter(
    (event: Json) => event.reason === "AllocationFailed" && event.involvedObject?.kind === "Service" && event.involvedObject?.name === service,
  );
  const latest = failures.sort((a, b) => String(a.lastTimestamp ?? a.eventTime ?? "").localeCompare(String(b.lastTimestamp ?? b.eventTime ?? ""))).at(-1);
  return latest && `MetalLB on Service ${namespace}/${service}: ${latest.message}`;
}

/** What MetalLB said about the Service Envoy Gateway made for this Gateway, or that there is none yet. */
export async function gatewayAddressFailure(client: KubeClient, namespace: string, gateway: string, signal?: AbortSignal): Promise<string> {
  const labelSelector = `${owningName}=${gateway},${owningNamespace}=${namespace}`;
  const services: Json[] = (await client.json("GET", "/api/v1/services", { query: { labelSelector }, signal })).items ?? [];
  if (services.length === 0) return "Envoy Gateway has created no Service for it yet";
  const reasons = await Promise.all(services.map((service) => allocationFailure(client, service.metadata.namespace, service.metadata.name, signal)));
  return reasons.filter(Boolean).join("; ") || `MetalLB has not answered for Service ${services.map((s) => `${s.metadata.namespace}/${s.metadata.name}`).join(", ")}`;
}
