// The Gateway API v1.6.1 CRDs (experimental channel, as Envoy Gateway's release bundles them),
// Envoy Gateway's own CRDs, and the Gateway API's safe-upgrades admission policy.
import type { Resource } from "../../lib/flight/contract.ts";
import { expandPieces } from "../../lib/flight/compact.ts";
import { crdData } from "./crd-data.ts";

let expanded: string[] | undefined;

/** The CRDs' compact JSON texts, comma-separated (their list without its brackets), in pieces. */
export function crdsJsonPieces(): string[] {
  expanded ??= expandPieces(crdData);
  const pieces = [...expanded];
  pieces[0] = pieces[0]!.slice(1);
  pieces[pieces.length - 1] = pieces[pieces.length - 1]!.slice(0, -1);
  return pieces;
}

export function crds(): Resource[] {
  return JSON.parse(`[${crdsJsonPieces().join("")}]`) as Resource[];
}

const policyName = "safe-upgrades.gateway.networking.k8s.io";
const bundleAnnotations = { "gateway.networking.k8s.io/bundle-version": "v1.6.1", "gateway.networking.k8s.io/channel": "standard" };
const crdWrites = { apiGroups: ["apiextensions.k8s.io"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"] };

/** Refuses Gateway API CRDs older than v1.5 or experimental ones over standard ones. */
export function safeUpgrades(): Resource[] {
  return [
    {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicy",
      metadata: { annotations: bundleAnnotations, name: policyName },
      spec: {
        failurePolicy: "Fail",
        matchConstraints: { resourceRules: [{ ...crdWrites, resources: ["*"] }] },
        validations: [
          {
            expression:
              "object.spec.group != 'gateway.networking.k8s.io' || oldObject == null || ( has(object.metadata.annotations) && object.metadata.annotations.exists(k, k == 'gateway.networking.k8s.io/channel') && " +
              "object.metadata.annotations['gateway.networking.k8s.io/channel'] == 'standard' ) || ( oldObject != null && has(oldObject.metadata.annotations) && oldObject.metadata.annotations.exists(k, k == 'gateway.networking.k8s.io/channel') && " +
              "oldObject.metadata.annotations['gateway.networking.k8s.io/channel'] == 'experimental' )",
            message:
              "Installing experimental CRDs on top of standard channel CRDs is prohibited by default. Uninstall ValidatingAdmissionPolicy safe-upgrades.gateway.networking.k8s.io to install experimental CRDs on top of standard channel CRDs.",
            reason: "Invalid",
          },
          {
            expression:
              "object.spec.group != 'gateway.networking.k8s.io' ||\n" +
              "(has(object.metadata.annotations) && object.metadata.annotations.exists(k, k == 'gateway.networking.k8s.io/bundle-version') &&\n" +
              "(object.metadata.annotations['gateway.networking.k8s.io/bundle-version'] == 'v0.0.0-dev' ||\n" +
              "(object.metadata.annotations['gateway.networking.k8s.io/bundle-version'].startsWith('v1.') &&\n" +
              " !matches(object.metadata.annotations['gateway.networking.k8s.io/bundle-version'], '^v1\\\\.[0-4](\\\\.|$)'))))\n",
            message:
              "Installing CRDs with version other than v0.0.0-dev or v1.5+ is prohibited by default. Uninstall ValidatingAdmissionPolicy safe-upgrades.gateway.networking.k8s.io to install other versions.",
            reason: "Invalid",
          },
        ],
      },
    },
    {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingAdmissionPolicyBinding",
      metadata: { annotations: bundleAnnotations, name: policyName },
      spec: {
        matchResources: { resourceRules: [{ ...crdWrites, resources: ["customresourcedefinitions"] }] },
        policyName,
        validationActions: ["Deny"],
      },
    },
  ];
}
