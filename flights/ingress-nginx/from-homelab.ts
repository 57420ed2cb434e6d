// homelab.yaml -> the ingress-nginx flight's input.
import type { Homelab } from "../../lib/homelab/schema.ts";

export function ingressNginxInputFrom(homelab: Homelab) {
  const { ingressNginx } = homelab.addons;
  return {
    loadBalancerIP: ingressNginx.address,
    ...(ingressNginx.pool !== undefined && { addressPool: ingressNginx.pool }),
    ingressClass: { name: "nginx", default: ingressNginx.defaultClass ?? false },
    replicas: ingressNginx.replicas ?? 1,
  };
}
