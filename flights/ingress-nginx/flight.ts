// ingress-nginx controller v1.15.1 as its Helm chart 4.15.1 renders it (a LoadBalancer Service),
// pinned to the declared LAN address through MetalLB's annotations.
import type { Flight, Stages } from "../../lib/flight/contract.ts";
import { parse, type IngressNginxInput } from "./input.ts";
import { rbac } from "./rbac.ts";
import { admissionService, configMap, deployment, disruptionBudget, ingressClass, loadBalancerService } from "./controller.ts";
import { createCertificateJob, patchWebhookJob, webhookConfiguration } from "./admission.ts";

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
      ...disruptionBudget(namespace, input),
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
  needs: [],
  // Its controller starts beside MetalLB; only the wait for its Service's address needs the pool.
  addressesFrom: ["metallb-pool"],
  notices: ["ingress-nginx was retired upstream in March 2026 and gets no security fixes any more; plan a move to a Gateway API controller"],
  parse,
  render,
};

