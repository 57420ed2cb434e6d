// Small flights made up by tests, each its own release in its own namespace, and the objects
// they gate on.
import type { Resource, Stages } from "../../lib/flight/contract.ts";
import type { PlannedFlight } from "../../lib/flight/plan.ts";

/** A flight named after its namespace (and released there), the namespace first. */
export function namespacedFlight(namespace: string, stages: Stages): PlannedFlight {
  const [first = [], ...rest] = stages;
  return { name: namespace, release: namespace, namespace, needs: [], addressesFrom: [], input: undefined, stages: [[{ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } }, ...first], ...rest] };
}

/** A namespaced CRD serving one version, v1, with the given schema. */
export function testCrd(group: string, kind: string, schema: Record<string, unknown> = { type: "object" }): Resource {
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      scope: "Namespaced",
      versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: schema } }],
    },
  };
}

/** A ValidatingWebhookConfiguration whose one webhook a Service serves: it validates a kind nobody creates and ignores failures. */export function serviceWebhook(name: string, service: { name: string; namespace: string }): Resource {
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingWebhookConfiguration",
    metadata: { name },
    webhooks: [{
      name: `check.${name}.hangar.dev`,
      admissionReviewVersions: ["v1"],
      sideEffects: "None",
      failurePolicy: "Ignore",
      clientConfig: { service: { ...service, path: "/validate" } },
      rules: [{ apiGroups: [`${name}.hangar.dev`], apiVersions: ["v1"], operations: ["CREATE"], resources: ["things"] }],
    }],
  };
}
