// The validating webhook for MetalLB's resources, hook for hook as the chart renders it.
// failurePolicy Fail is why the pool must wait until the controller serves: until then every
// IPAddressPool is refused.
import type { Resource } from "../../lib/flight/contract.ts";
import { labels, names } from "./meta.ts";

const hooks: [singular: string, version: string, plural: string, operations: string[]][] = [
  ["bgppeer", "v1beta2", "bgppeers", ["CREATE", "UPDATE"]],
  ["ipaddresspool", "v1beta1", "ipaddresspools", ["CREATE", "UPDATE"]],
  ["bgpadvertisement", "v1beta1", "bgpadvertisements", ["CREATE", "UPDATE"]],
  ["community", "v1beta1", "communities", ["CREATE", "UPDATE"]],
  ["bfdprofile", "v1beta1", "bfdprofiles", ["CREATE", "DELETE"]],
  ["l2advertisement", "v1beta1", "l2advertisements", ["CREATE", "UPDATE"]],
];

export function webhookConfiguration(namespace: string): Resource {
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingWebhookConfiguration",
    metadata: { labels: labels(), name: names.webhookConfiguration },
    webhooks: hooks.map(([singular, version, plural, operations]) => ({
      admissionReviewVersions: ["v1"],
      clientConfig: { service: { name: names.webhookService, namespace, path: `/validate-metallb-io-${version}-${singular}` } },
      failurePolicy: "Fail",
      name: `${singular}validationwebhook.metallb.io`,
      rules: [{ apiGroups: ["metallb.io"], apiVersions: [version], operations, resources: [plural] }],
      sideEffects: "None",
    })),
  };
}
