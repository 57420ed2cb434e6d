// The topology injector: a mutating webhook on pod bindings in the controller's namespace that
// copies the node's topology labels onto Envoy pods. failurePolicy Ignore: while the controller
// is not serving, bindings go through unannotated rather than fail.
import type { Resource } from "../../lib/flight/contract.ts";
import { labels } from "./meta.ts";
import { webhookName } from "./rbac.ts";

export function topologyInjector(namespace: string): Resource {
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "MutatingWebhookConfiguration",
    metadata: { labels: { "app.kubernetes.io/component": "topology-injector", ...labels }, name: webhookName(namespace) },
    webhooks: [
      {
        admissionReviewVersions: ["v1"],
        clientConfig: { service: { name: "envoy-gateway", namespace, path: "/inject-pod-topology", port: 9443 } },
        failurePolicy: "Ignore",
        name: "topology.webhook.gateway.envoyproxy.io",
        namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: [namespace] }] },
        rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["pods/binding"] }],
        sideEffects: "None",
      },
    ],
  };
}
