// The gateway flight's input: its shape and its checks.
import { Fields } from "../../lib/flight/fields.ts";

export interface GatewayInput {
  /** The LAN address MetalLB assigns to the Gateway's Service. */
  address: string;
  addressPool?: string;
  /** A kubernetes.io/tls Secret in the Gateway's namespace; adds the HTTPS listener. */
  certificateSecret?: string;
  name: string;
  className: string;
}

const ipv4 = {
  pattern: /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/,
  describe: "an IPv4 address",
};
const dns1123 = { pattern: /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, describe: "a DNS-1123 label" };
const subdomain = { pattern: /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, describe: "a DNS-1123 subdomain" };

export function parse(raw: unknown): GatewayInput {
  const root = Fields.root(raw);
  const address = root.string("address", ipv4);
  const addressPool = root.optionalString("addressPool", dns1123);
  const certificateSecret = root.optionalString("certificateSecret", subdomain);
  const input: GatewayInput = {
    address,
    ...(addressPool !== undefined && { addressPool }),
    ...(certificateSecret !== undefined && { certificateSecret }),
    name: root.string("name", { default: "homelab", ...dns1123 }),
    className: root.string("className", { default: "envoy-gateway", ...dns1123 }),
  };
  root.done();
  return input;
}
