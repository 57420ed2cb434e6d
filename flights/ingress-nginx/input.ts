// The ingress-nginx flight's input: its shape and its checks.
import { Fields, formats } from "../../lib/flight/fields.ts";

export interface IngressNginxInput {
  loadBalancerIP: string;
  addressPool?: string;
  externalTrafficPolicy: string;
  replicas: number;
  ingressClass: { name: string; default: boolean };
  config: Record<string, string>;
}


export function parse(raw: unknown): IngressNginxInput {
  const root = Fields.root(raw);
  const loadBalancerIP = root.string("loadBalancerIP", formats.ipv4);
  const addressPool = root.optionalString("addressPool", formats.dns1123Label);
  const classFields = root.object("ingressClass");
  const input: IngressNginxInput = {
    loadBalancerIP,
    ...(addressPool !== undefined && { addressPool }),
    externalTrafficPolicy: root.string("externalTrafficPolicy", { default: "Local", oneOf: ["Local", "Cluster"] }),
    replicas: root.integer("replicas", 1, 1, 10),
    ingressClass: { name: classFields.string("name", { default: "nginx", ...formats.dns1123Label }), default: classFields.boolean("default", false) },
    config: root.stringMap("config"),
  };
  classFields.done();
  root.done();
  return input;
}
