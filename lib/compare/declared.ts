// Every difference hangar makes on purpose, with the reason, in one place. The comparison
// reports a difference listed here as "declared: <reason>"; any other difference fails it.
// An entry must be exact enough that a real regression next to it still shows up: it names
// the object, the fact, which side has what, and (where it matters) the value hangar renders.
import type { FactDifference, ObjectDifference, Rename, Side } from "./differ.ts";
import type { NeedsDifference, OrderDifference } from "./ordering.ts";
import type { ObjectRef } from "./objects.ts";

export interface Target {
  kind: string;
  /** Exact name; absent: any object of the kind. */
  name?: string;
  namespace?: string;
}

export interface DeclaredObject extends Target {
  only: Side;
  reason: string;
}

export interface DeclaredFact extends Target {
  fact: string | RegExp;
  /** only-hangar: hangar has the fact, upstream lacks it; changed: both have it, values differ. */
  shape: "only-hangar" | "only-upstream" | "changed";
  /** The value hangar must render for the entry to apply (exact). */
  hangar?: string;
  reason: string;
}

export interface DeclaredOrder {
  /** hangar applies `earlier` before `later`, Helm the other way round. */
  earlier: string;
  later: readonly string[];
  reason: string;
}

export interface DeclaredNeeds {
  release: string;
  reason: string;
}

export interface DeclaredRename extends Rename {
  reason: string;
}

const renames: readonly DeclaredRename[] = [];

// Differences from the charts' renders (MetalLB 0.16.1, ingress-nginx 4.15.1) that a takeover of
// a chart install keeps. Everything else, names, labels, selectors and pod templates included,
// is rendered as the charts render it.
const chartObjects: readonly DeclaredObject[] = [
  {
    kind: "Namespace",
    name: "metallb-system",
    only: "hangar",
    reason:
      "the MetalLB chart neither creates nor labels its namespace and the speaker needs Pod Security `privileged`; helmfile installs the labelled namespace as a release of its own (charts/privileged-namespace), hangar's metallb flight renders it in its first stage",
  },
  {
    kind: "Namespace",
    name: "ingress-nginx",
    only: "hangar",
    reason:
      "Helm creates the release namespace itself (helmfile's createNamespace), outside the chart's manifest; hangar's flight renders it, with the chart's name and instance labels, so yoke's pre-stage creates it first",
  },
];

// Envoy Gateway's chart as helmfile installs it: with its default `createNamespace: false`.
const envoyGatewayObjects: readonly DeclaredObject[] = [
  {
    kind: "Namespace",
    name: "envoy-gateway-system",
    only: "hangar",
    reason:
      "Helm creates the release namespace itself (helmfile's createNamespace), outside the chart's manifest, as for ingress-nginx. The chart's own Namespace (value createNamespace: true, which the release's install.yaml is rendered with) is left off: beside Helm's it fails every client-side install, as Helm 3 and Terraform's Helm provider make them (namespaces \"envoy-gateway-system\" already exists). hangar's envoy-gateway flight renders the namespace in its first stage and adopts the one Helm made",
  },
];

const objects: readonly DeclaredObject[] = [...chartObjects, ...envoyGatewayObjects];

const facts: readonly DeclaredFact[] = [];

const order: readonly DeclaredOrder[] = [
  {
    earlier: "CustomResourceDefinition",
    later: ["ServiceAccount", "ConfigMap", "Secret"],
    reason: "hangar follows yoke: the namespace and the CRDs of a flight form its first stage and are Established before anything else; Helm's kind order puts CRDs after accounts, secrets and config maps, which is harmless there",
  },
  {
    earlier: "IngressClass",
    later: ["Deployment"],
    reason: "hangar's ingress-nginx stages: setup objects first, then the certificate jobs and the controller; Helm runs the jobs as hooks and the class last",
  },
  {
    earlier: "ValidatingWebhookConfiguration",
    later: ["Deployment"],
    reason: "the admission-patch job injects the CA into the webhook configuration, so the configuration must exist before it runs; Helm applies webhook configurations last and patches them from a post-install hook",
  },
];

// Envoy Gateway: Helm runs certgen's RBAC, the webhook configuration and the certgen Job as
// pre-install hooks, before the release's other objects; hangar stages them (flights/envoy-gateway).
const envoyGatewayHooks =
  "Helm runs Envoy Gateway's certgen account, RBAC, the topology injector's webhook configuration and the certgen Job as pre-install hooks, before the release's own objects (even its namespace, which --create-namespace makes); hangar applies the namespace and CRDs first, then accounts, RBAC, configuration and the webhook configuration, then certgen alone, then the controller that mounts certgen's Secrets";
const envoyGatewayOrder: readonly DeclaredOrder[] = [
  { earlier: "Namespace", later: ["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "MutatingWebhookConfiguration", "Job"], reason: envoyGatewayHooks },
  { earlier: "ServiceAccount", later: ["Job"], reason: envoyGatewayHooks },
  { earlier: "Role", later: ["Job"], reason: envoyGatewayHooks },
  { earlier: "ClusterRole", later: ["Job"], reason: envoyGatewayHooks },
  { earlier: "RoleBinding", later: ["Job"], reason: envoyGatewayHooks },
  { earlier: "ClusterRoleBinding", later: ["Job"], reason: envoyGatewayHooks },
  { earlier: "ConfigMap", later: ["Job"], reason: envoyGatewayHooks },
  { earlier: "Service", later: ["Job"], reason: envoyGatewayHooks },
  {
    earlier: "CustomResourceDefinition",
    later: ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "MutatingWebhookConfiguration", "Job"],
    reason: `hangar applies the Gateway API and Envoy Gateway CRDs in the flight's first stage and waits for them to be Established; ${envoyGatewayHooks.split(";")[0]}`,
  },
  ...["ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"].map((earlier) => ({
    earlier,
    later: ["ServiceAccount", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ConfigMap", "Service", "Job", "Deployment", "MutatingWebhookConfiguration"],
    reason: "hangar applies the Gateway API's safe-upgrades policy in the first stage, right after the CRDs it guards; Helm's kind order does not know the kind and applies it last",
  })),
];

const envoyGatewayRelease =
  "helmfile installs Envoy Gateway as release eg, the name its own install.yaml is rendered with (object names eg-gateway-helm-*, selector label app.kubernetes.io/instance: eg), so hangar's envoy-gateway flight renders the same objects; the two are the same release under different names";

const addressesOnly =
  "hangar starts it beside MetalLB and holds only its wait for an address until the pool is deployed (addressesFrom: metallb-pool), so its controller and certificates are ready by the time the pool is; helmfile orders whole releases, so its release needs metallb-pool";

const needs: readonly DeclaredNeeds[] = [
  { release: "envoy-gateway", reason: `${envoyGatewayRelease}. hangar's envoy-gateway needs nothing: nothing it runs needs MetalLB, and the gateway flight's Gateway waits for the pool` },
  { release: "eg", reason: `${envoyGatewayRelease}. eg needs metallb-pool, which hangar's gateway flight waits for instead` },
  { release: "ingress-nginx", reason: addressesOnly },
  { release: "gateway", reason: `the gateway flight needs envoy-gateway, helmfile's gateway release needs eg: the same dependency (${envoyGatewayRelease.split(",")[0]})` },
  {
    release: "metallb-namespace",
    reason:
      "the MetalLB chart neither creates nor labels metallb-system, and the speaker needs Pod Security `privileged`; helmfile installs the labelled namespace as a release of its own, hangar's metallb flight renders it in its first stage",
  },
  {
    release: "metallb",
    reason: "helmfile's metallb release needs the metallb-namespace release (see there); hangar's metallb flight needs nothing",
  },
];

function targets(target: Target, ref: ObjectRef): boolean {
  return (
    target.kind === ref.kind &&
    (target.name === undefined || target.name === ref.name) &&
    (target.namespace === undefined || target.namespace === ref.namespace)
  );
}

function shapeOf(difference: FactDifference): DeclaredFact["shape"] {
  if (difference.upstream === undefined) return "only-hangar";
  if (difference.hangar === undefined) return "only-upstream";
  return "changed";
}

function factMatches(entry: DeclaredFact, difference: FactDifference): boolean {
  const named = typeof entry.fact === "string" ? entry.fact === difference.fact : entry.fact.test(difference.fact);
  return (
    named &&
    targets(entry, difference.ref) &&
    entry.shape === shapeOf(difference) &&
    (entry.hangar === undefined || entry.hangar === difference.hangar)
  );
}

export interface Declarations {
  renames: readonly DeclaredRename[];
  objects: readonly DeclaredObject[];
  facts: readonly DeclaredFact[];
  order: readonly DeclaredOrder[];
  needs: readonly DeclaredNeeds[];
}

/** hangar's declared differences. */
export const declared: Declarations = { renames, objects, facts, order: [...order, ...envoyGatewayOrder], needs };

export type Difference = ObjectDifference | FactDifference | OrderDifference | NeedsDifference;

/** The reason hangar differs on purpose, or undefined when the difference is not declared. */
export function reasonFor(difference: Difference, declarations: Declarations = declared): string | undefined {
  switch (difference.type) {
    case "object":
      return declarations.objects.find((entry) => entry.only === difference.only && targets(entry, difference.ref))?.reason;
    case "fact":
      return declarations.facts.find((entry) => factMatches(entry, difference))?.reason;
    case "order":
      return declarations.order.find((entry) => entry.earlier === difference.earlier && entry.later.includes(difference.later))?.reason;
    case "needs":
      return declarations.needs.find((entry) => entry.release === difference.release)?.reason;
  }
}
