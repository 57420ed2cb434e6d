// Homelab -> the input of each flight. The only place that knows how the declaration maps
// onto the flights, so flights stay usable on their own with hand-written input.
import type { Homelab } from "./homelab/schema.ts";

export interface FlightInputs {
  metallb: {
    logLevel: string;
    announceFromControlPlanes: boolean;
  };
  "metallb-pool": {
    pools: { name: string; addresses: string[]; autoAssign: boolean; avoidBuggyIPs: boolean }[];
    l2Advertisements: {
      name: string;
      ipAddressPools: string[];
      nodeSelectors: { matchLabels: Record<string, string> }[];
      interfaces: string[];
    }[];
  };
  "ingress-nginx": {
    loadBalancerIP: string;
    addressPool?: string;
    ingressClass: { name: string; default: boolean };
    replicas: number;
  };
}

/** True when an L2 advertisement may be announced from a control-plane node. */
export function announcesFromControlPlanes(homelab: Homelab): boolean {
  const controlPlanes = homelab.nodes.filter((node) => node.role === "controlplane").map((node) => node.name);
  // No node list means every node may announce, control planes included.
  return homelab.addons.metallb.l2Advertisements.some(
    (ad) => ad.nodes === undefined || ad.nodes.some((name) => controlPlanes.includes(name)),
  );
}

export function flightInputs(homelab: Homelab): FlightInputs {
  const { metallb, ingressNginx } = homelab.addons;
  return {
    metallb: {
      logLevel: metallb.logLevel ?? "info",
      announceFromControlPlanes: announcesFromControlPlanes(homelab),
    },
    "metallb-pool": {
      pools: metallb.pools.map((pool) => ({
        name: pool.name,
        addresses: pool.addresses,
        autoAssign: pool.autoAssign ?? true,
        avoidBuggyIPs: pool.avoidBuggyIPs ?? false,
      })),
      l2Advertisements: metallb.l2Advertisements.map((ad) => ({
        name: ad.name,
        ipAddressPools: ad.pools ?? [],
        nodeSelectors: (ad.nodes ?? []).map((node) => ({ matchLabels: { "kubernetes.io/hostname": node } })),
        interfaces: ad.interfaces ?? [],
      })),
    },
    "ingress-nginx": {
      loadBalancerIP: ingressNginx.address,
      ...(ingressNginx.pool !== undefined && { addressPool: ingressNginx.pool }),
      ingressClass: { name: "nginx", default: ingressNginx.defaultClass ?? false },
      replicas: ingressNginx.replicas ?? 1,
    },
  };
}
