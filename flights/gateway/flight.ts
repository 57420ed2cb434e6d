// The homelab's Gateway API entry point: a GatewayClass for Envoy Gateway and one Gateway
// listening for HTTP on 80 (and HTTPS on 443 when a certificate Secret is declared). Its address
// is pinned through MetalLB's annotations, which Envoy Gateway copies from
// spec.infrastructure.annotations onto the LoadBalancer Service it creates: spec.addresses
// would become externalIPs, which MetalLB ignores.
import type { Flight, Resource, Stages } from "../../lib/flight/contract.ts";
import { parse, type GatewayInput } from "./input.ts";

const gatewayApi = "gateway.networking.k8s.io/v1";
const controllerName = "gateway.envoyproxy.io/gatewayclass-controller";

function listeners(input: GatewayInput) {
  const allowedRoutes = { namespaces: { from: "All" } };
  return [
    { allowedRoutes, name: "http", port: 80, protocol: "HTTP" },
    ...(input.certificateSecret
      ? [{ allowedRoutes, name: "https", port: 443, protocol: "HTTPS", tls: { certificateRefs: [{ kind: "Secret", name: input.certificateSecret }], mode: "Terminate" } }]
      : []),
  ];
}

/** Stage 1 the class (Envoy Gateway accepts it), stage 2 the Gateway (programmed, with its address). */
function render(input: GatewayInput, release: { namespace: string }): Stages {
  const gatewayClass: Resource = {
    apiVersion: gatewayApi,
    kind: "GatewayClass",
    metadata: { name: input.className },
    spec: { controllerName },
  };
  const gateway: Resource = {
    apiVersion: gatewayApi,
    kind: "Gateway",
    metadata: { name: input.name, namespace: release.namespace },
    spec: {
      gatewayClassName: input.className,
      infrastructure: {
        annotations: {
          "metallb.io/loadBalancerIPs": input.address,
          ...(input.addressPool && { "metallb.io/address-pool": input.addressPool }),
        },
      },
      listeners: listeners(input),
    },
  };
  return [[gatewayClass], [gateway]];
}

export const gateway: Flight<GatewayInput> = {
  name: "gateway",
  namespace: "envoy-gateway-system",
  needs: ["envoy-gateway"],
  // The Envoy Service made for the Gateway takes its address from the MetalLB pool.
  addressesFrom: ["metallb-pool"],
  parse,
  render,
};
