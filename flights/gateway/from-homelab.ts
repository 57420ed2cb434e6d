// homelab.yaml -> the gateway flight's input; not deployed when addons.gateway is absent.
import type { Homelab } from "../../lib/homelab/schema.ts";

export function gatewayInputFrom(homelab: Homelab) {
  const declared = homelab.addons.gateway;
  if (!declared) return undefined;
  return {
    address: declared.address,
    ...(declared.pool !== undefined && { addressPool: declared.pool }),
    ...(declared.certificateSecret !== undefined && { certificateSecret: declared.certificateSecret }),
  };
}
