// homelab.yaml -> the envoy-gateway flight's input: deployed whenever a Gateway is declared.
import type { Homelab } from "../../lib/homelab/schema.ts";

export function envoyGatewayInputFrom(homelab: Homelab) {
  const declared = homelab.addons.gateway;
  if (!declared) return undefined;
  return { logLevel: declared.logLevel ?? "info" };
}
