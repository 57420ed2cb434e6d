// The LAN entry points homelab.yaml declares (ingress-nginx, the Gateway, or both during a
// move), and the doctor's verdicts on them: is the address assigned (the Service or Gateway
// holds it) and does it answer HTTP.
import type { Homelab } from "../homelab/schema.ts";
import type { KubeClient } from "../kube/client.ts";
import { allocationFailure, gatewayAddressFailure } from "../kube/allocation.ts";
import type { Finding } from "./diagnose.ts";

type Json = any;

export interface EntryPoint {
  name: "ingress-nginx" | "gateway";
  address: string;
  /** The object that holds the address, as the flights name it. */
  kind: "Service" | "Gateway";
  namespace: string;
  objectName: string;
  apiPath: string;
  /** What an HTTP answer with no route configured looks like. */
  defaultAnswer: string;
}

export function entryPoints(homelab: Homelab): EntryPoint[] {
  const found: EntryPoint[] = [];
  const { ingressNginx, gateway } = homelab.addons;
  if (ingressNginx) {
    found.push({
      name: "ingress-nginx",
      address: ingressNginx.address,
      kind: "Service",
      namespace: "ingress-nginx",
      objectName: "ingress-nginx-controller",
      apiPath: "/api/v1/namespaces/ingress-nginx/services/ingress-nginx-controller",
      defaultAnswer: "the ingress's default backend",
    });
  }
  if (gateway) {
    found.push({
      name: "gateway",
      address: gateway.address,
      kind: "Gateway",
      namespace: "envoy-gateway-system",
      objectName: "homelab",
      apiPath: "/apis/gateway.networking.k8s.io/v1/namespaces/envoy-gateway-system/gateways/homelab",
      defaultAnswer: "Envoy: no route matches",
    });
  }
  return found;
}

/** The addresses the object holds: a Service's load-balancer IPs, a Gateway's status addresses. */
export function heldAddresses(entry: EntryPoint, live: Json): string[] {
  const list: Json[] = entry.kind === "Service" ? (live?.status?.loadBalancer?.ingress ?? []).map((ingress: Json) => ingress.ip) : (live?.status?.addresses ?? []).map((address: Json) => address.value);
  return list.filter(Boolean);
}

/** `why`: MetalLB's or Envoy Gateway's own account of a missing address, when there is one. */
export function assignmentFinding(entry: EntryPoint, live: Json | undefined, why?: string): Finding {
  const where = `${entry.address} (${entry.name})`;
  const object = `${entry.kind} ${entry.namespace}/${entry.objectName}`;
  if (!live) return { ip: entry.address, problem: true, message: `${where}: ${object} does not exist; deploy the add-ons (./scripts/deploy.mjs)` };
  const held = heldAddresses(entry, live);
  if (held.includes(entry.address)) return { ip: entry.address, problem: false, message: `${where}: assigned to ${object}` };
  const holds = held.length > 0 ? `holds ${held.join(", ")} instead` : "holds no address";
  return { ip: entry.address, problem: true, message: `${where}: not assigned: ${object} ${holds}${why ? `; ${why}` : ""}` };
}

/** Asks the cluster whether the entry point holds its address, and if not, why not. */
export async function checkAssignment(client: KubeClient, entry: EntryPoint, signal?: AbortSignal): Promise<Finding> {
  try {
    const live = await client.getOrUndefined(entry.apiPath, signal);
    if (!live || heldAddresses(entry, live).includes(entry.address)) return assignmentFinding(entry, live);
    const why =
      entry.kind === "Gateway"
        ? await gatewayAddressFailure(client, entry.namespace, entry.objectName, signal)
        : await allocationFailure(client, entry.namespace, entry.objectName, signal);
    return assignmentFinding(entry, live, why);
  } catch (error) {
    return { ip: entry.address, problem: true, message: `${entry.address} (${entry.name}): cannot ask the cluster whether it is assigned (${(error as Error).message.split("\n")[0]})` };
  }
}

export function answerFinding(entry: EntryPoint, answer: { status?: number; error?: string }): Finding {
  const url = `http://${entry.address}/`;
  if (answer.status !== undefined) {
    return { ip: entry.address, problem: false, message: `${url} answers ${answer.status}${answer.status === 404 ? ` (${entry.defaultAnswer})` : ""}` };
  }
  const hint =
    entry.name === "gateway"
      ? "check that the Envoy pods in envoy-gateway-system run and that the Gateway holds the address"
      : `check the ingress-nginx controller and that its Service holds ${entry.address}`;
  return { ip: entry.address, problem: true, message: `${url} does not answer HTTP (${answer.error}); ${hint}` };
}
