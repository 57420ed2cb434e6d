// The gateway flight's input: its shape and its checks.
import { Fields, formats } from "../../lib/flight/fields.ts";

export interface GatewayInput {
  /** The LAN address MetalLB assigns to the Gateway's Service. */
  address: string;
  addressPool?: string;
  /** A kubernetes.io/tls Secret in the Gateway's namespace; adds the HTTPS listener. */
  certificateSecret?: string;
  name: string;
  className: string;
}


export function parse(raw: unknown): GatewayInput {
  const root = Fields.root(raw);
  const address = root.string("address", formats.ipv4);
  const addressPool = root.optionalString("addressPool", formats.dns1123Label);
  const certificateSecret = root.optionalString("certificateSecret", formats.dns1123Subdomain);
  const input: GatewayInput = {
    address,
    ...(addressPool !== undefined && { addressPool }),
    ...(certificateSecret !== undefined && { certificateSecret }),
    name: root.string("name", { default: "homelab", ...formats.dns1123Label }),
    className: root.string("className", { default: "envoy-gateway", ...formats.dns1123Label }),
  };
  root.done();
  return input;
}
