// Validating webhooks as the API server experiences them: a write to a watched resource fails
// with the real "failed calling webhook" error until the webhook's Deployment is ready and its
// configuration carries a caBundle.
import { ApiError } from "./engine.ts";
import type { Kind } from "./kinds.ts";
import type { Store } from "./store.ts";
import type { Json } from "./apply.ts";

interface Webhook {
  configuration: string;
  webhook: string;
  group: string;
  plurals: string[];
  deployment: { namespace: string; name: string };
  url: (namespace: string, plural: string) => string;
}

const webhooks: Webhook[] = [
  {
    configuration: "metallb-webhook-configuration",
    webhook: "ipaddresspoolvalidationwebhook.metallb.io",
    group: "metallb.io",
    plurals: ["ipaddresspools", "l2advertisements", "bgpadvertisements", "bgppeers", "communities", "bfdprofiles"],
    deployment: { namespace: "metallb-system", name: "metallb-controller" },
    url: (namespace, plural) =>
      `https://metallb-webhook-service.${namespace}.svc:443/validate-metallb-io-v1beta1-${plural.replace(/ies$/, "y").replace(/s$/, "")}?timeout=10s`,
  },
  {
    configuration: "ingress-nginx-admission",
    webhook: "validate.nginx.ingress.kubernetes.io",
    group: "networking.k8s.io",
    plurals: ["ingresses"],
    deployment: { namespace: "ingress-nginx", name: "ingress-nginx-controller" },
    url: (namespace) => `https://ingress-nginx-controller-admission.${namespace}.svc:443/networking/v1/ingresses?timeout=10s`,
  },
];

export function admit(store: Store, kind: Kind, _object: Json, operation: string): void {
  if (operation === "DELETE") return;
  for (const hook of webhooks) {
    if (kind.group !== hook.group || !hook.plurals.includes(kind.plural)) continue;
    const configuration = store.all().find((e) => e.kind.kind === "ValidatingWebhookConfiguration" && e.object.metadata.name === hook.configuration);
    if (!configuration) continue;
    const namespace: string = configuration.object.webhooks?.[0]?.clientConfig?.service?.namespace ?? hook.deployment.namespace;
    const name = hook.webhook.startsWith("ipaddresspool") ? `${kind.plural.replace(/ies$/, "y").replace(/s$/, "")}validationwebhook.metallb.io` : hook.webhook;
    const prefix = `Internal error occurred: failed calling webhook "${name}": failed to call webhook: Post "${hook.url(namespace, kind.plural)}"`;
    const deployment = store.all().find((e) => e.kind.kind === "Deployment" && e.object.metadata.namespace === namespace && e.object.metadata.name === hook.deployment.name);
    if (!deployment || !(deployment.object.status?.availableReplicas >= 1)) {
      throw new ApiError(500, "InternalError", `${prefix}: dial tcp 10.96.0.10:443: connect: connection refused`);
    }
    const withoutCa = (configuration.object.webhooks ?? []).some((w: Json) => !w.clientConfig?.caBundle);
    if (withoutCa) throw new ApiError(500, "InternalError", `${prefix}: tls: failed to verify certificate: x509: certificate signed by unknown authority`);
  }
}
