// homelab.yaml -> the ingress-nginx flight's input; not deployed when addons.ingressNginx is absent.
import type { Homelab } from "../../lib/homelab/schema.ts";

export function ingressNginxInputFrom(homelab: Homelab) {
  const { ingressNginx } = homelab.addons;
  if (!ingressNginx) return undefined;
  return {
    loadBalancerIP: ingressNginx.address,
    ...(ingressNginx.pool !== undefined && { addressPool: ingressNginx.pool }),
    ingressClass: { name: "nginx", default: ingressNginx.defaultClass ?? false },
    replicas: ingressNginx.replicas ?? 1,
  };
}
