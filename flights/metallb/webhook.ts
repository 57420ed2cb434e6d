// The validating webhook for MetalLB's resources. failurePolicy Fail is why the pool must wait
// until the controller serves: until then every IPAddressPool is refused.
import type { Resource } from "../../lib/flight/contract.ts";

const hooks: [name: string, version: string, plural: string, operations: string[]][] = [
  ["bgppeersvalidationwebhook", "v1beta2", "bgppeers", ["CREATE", "UPDATE"]],
  ["bfdprofilevalidationwebhook", "v1beta1", "bfdprofiles", ["CREATE", "DELETE"]],
  ["bgpadvertisementvalidationwebhook", "v1beta1", "bgpadvertisements", ["CREATE", "UPDATE"]],
  ["communityvalidationwebhook", "v1beta1", "communities", ["CREATE", "UPDATE"]],
  ["ipaddresspoolvalidationwebhook", "v1beta1", "ipaddresspools", ["CREATE", "UPDATE"]],
  ["l2advertisementvalidationwebhook", "v1beta1", "l2advertisements", ["CREATE", "UPDATE"]],
];

/** The webhook path names the singular resource, e.g. /validate-metallb-io-v1beta1-ipaddresspool. */
const singular = (plural: string) => (plural === "communities" ? "community" : plural.replace(/s$/, ""));

export function webhookConfiguration(namespace: string): Resource {
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingWebhookConfiguration",
    metadata: { name: "metallb-webhook-configuration" },
    webhooks: hooks.map(([name, version, plural, operations]) => ({
      admissionReviewVersions: ["v1"],
      clientConfig: {
        service: { name: "metallb-webhook-service", namespace, path: `/validate-metallb-io-${version}-${singular(plural)}` },
      },
      failurePolicy: "Fail",
      name: `${name}.metallb.io`,
      rules: [{ apiGroups: ["metallb.io"], apiVersions: [version], operations, resources: [plural] }],
      sideEffects: "None",
    })),
  };
}
