// The ingress-nginx flight's input: its shape and its checks.
import { Fields } from "../../lib/flight/fields.ts";

export interface IngressNginxInput {
  loadBalancerIP: string;
  addressPool?: string;
  externalTrafficPolicy: string;
  replicas: number;
  ingressClass: { name: string; default: boolean };
  config: Record<string, string>;
}

const ipv4 = {
  pattern: /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/,
  describe: "an IPv4 address",
};
const dns1123 = { pattern: /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, describe: "a DNS-1123 label" };

export function parse(raw: unknown): IngressNginxInput {
  const root = Fields.root(raw);
  const loadBalancerIP = root.string("loadBalancerIP", ipv4);
  const addressPool = root.optionalString("addressPool", dns1123);
  const classFields = root.object("ingressClass");
  const input: IngressNginxInput = {
    loadBalancerIP,
    ...(addressPool !== undefined && { addressPool }),
    externalTrafficPolicy: root.string("externalTrafficPolicy", { default: "Local", oneOf: ["Local", "Cluster"] }),
    replicas: root.integer("replicas", 1, 1, 10),
    ingressClass: { name: classFields.string("name", { default: "nginx", ...dns1123 }), default: classFields.boolean("default", false) },
    config: root.stringMap("config"),
  };
  classFields.done();
  root.done();
  return input;
}
