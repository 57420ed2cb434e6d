// ingress-nginx controller v1.15.1 (the cloud manifest: a LoadBalancer Service), pinned to the
// declared LAN address through MetalLB's annotations.
import type { Flight, Stages } from "../../lib/flight.ts";
import { Fields } from "../../lib/flight-input.ts";
import { rbac } from "./rbac.ts";
import { admissionService, configMap, deployment, ingressClass, loadBalancerService } from "./controller.ts";
import { createCertificateJob, patchWebhookJob, webhookConfiguration } from "./admission.ts";


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

function parse(raw: unknown): IngressNginxInput {
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

/**
 * Stages: the namespace; then accounts, RBAC, config, Services, the IngressClass, the webhook
 * configuration and the job that creates the webhook certificate; then, once that job is done,
 * the job that injects its CA and the controller, which mounts the certificate Secret.
 */
function render(input: IngressNginxInput, release: { namespace: string }): Stages {
  const { namespace } = release;
  const namespaceLabels = { "app.kubernetes.io/instance": "ingress-nginx", "app.kubernetes.io/name": "ingress-nginx" };
  return [
    [{ apiVersion: "v1", kind: "Namespace", metadata: { labels: namespaceLabels, name: namespace } }],
    [
      ...rbac(namespace),
      configMap(namespace, input.config),
      loadBalancerService(namespace, input),
      admissionService(namespace),
      ingressClass(input),
      webhookConfiguration(namespace),
      createCertificateJob(namespace),
    ],
    [patchWebhookJob(namespace), deployment(namespace, input)],
  ];
}

export const ingressNginx: Flight<IngressNginxInput> = {
  name: "ingress-nginx",
  namespace: "ingress-nginx",
  needs: ["metallb-pool"],
  notices: ["ingress-nginx was retired upstream in March 2026 and gets no security fixes any more; plan a move to a Gateway API controller"],
  parse,
  render,
};

