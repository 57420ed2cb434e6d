// Service accounts, roles and bindings of the controller and the speaker, rule for rule as the
// chart renders them: rules are an atomic list, so another order would be a change on takeover.
import type { Resource } from "../../lib/flight/contract.ts";
import { rule, type Rule } from "../../lib/flight/rbac.ts";
import { fullname, labels, names, type Component } from "./meta.ts";

const read = ["get", "list", "watch"];
const all = ["create", "delete", "get", "list", "patch", "update", "watch"];
/** The authentication and authorization checks the metrics endpoints make. */
const reviews = [rule("authentication.k8s.io", ["tokenreviews"], ["create"]), rule("authorization.k8s.io", ["subjectaccessreviews"], ["create"])];

/** CRDs whose conversion webhook and caBundle the controller manages. */
const managedCrds = ["bfdprofiles", "bgpadvertisements", "bgppeers", "ipaddresspools", "l2advertisements", "communities", "configurationstates"];

const controllerClusterRole: Rule[] = [
  rule("", ["services", "namespaces"], read),
  rule("", ["nodes"], ["list"]),
  rule("", ["services/status"], ["update"]),
  rule("", ["events"], ["create", "patch"]),
  rule("admissionregistration.k8s.io", ["validatingwebhookconfigurations"], all, [names.webhookConfiguration]),
  rule("admissionregistration.k8s.io", ["validatingwebhookconfigurations"], ["list", "watch"]),
  rule("apiextensions.k8s.io", ["customresourcedefinitions"], all, managedCrds.map((plural) => `${plural}.metallb.io`)),
  rule("apiextensions.k8s.io", ["customresourcedefinitions"], ["list", "watch"]),
  rule("metallb.io", ["configurationstates"], all),
  rule("metallb.io", ["configurationstates/status"], ["get", "patch", "update"]),
  ...reviews,
];

const speakerClusterRole: Rule[] = [
  rule("", ["services", "endpoints", "nodes", "namespaces"], read),
  rule("discovery.k8s.io", ["endpointslices"], read),
  rule("", ["events"], ["create", "patch"]),
  rule("metallb.io", ["servicel2statuses", "servicel2statuses/status", "configurationstates", "configurationstates/status"], ["*"]),
  ...reviews,
];

const podListerRole: Rule[] = [
  rule("", ["pods"], ["list", "get"]),
  rule("", ["secrets"], read),
  rule("", ["configmaps"], read),
  ...["bfdprofiles", "bgppeers", "l2advertisements", "bgpadvertisements", "ipaddresspools", "communities"].map((plural) => rule("metallb.io", [plural], read)),
  rule("metallb.io", ["servicebgpstatuses", "servicebgpstatuses/status"], ["*"]),
];

const controllerRole: Rule[] = [
  rule("", ["secrets"], ["create", "get", "list", "watch"]),
  rule("", ["secrets"], ["list"], [names.memberlist]),
  rule("apps", ["deployments"], ["get"], [names.controller]),
  rule("", ["secrets"], all),
  rule("metallb.io", ["ipaddresspools"], read),
  rule("metallb.io", ["ipaddresspools/status"], ["update"]),
  rule("metallb.io", ["bgppeers"], ["get", "list"]),
  rule("metallb.io", ["bgpadvertisements"], ["get", "list"]),
  rule("metallb.io", ["l2advertisements"], ["get", "list"]),
  rule("metallb.io", ["communities"], read),
  rule("metallb.io", ["bfdprofiles"], read),
];

const rbacApi = "rbac.authorization.k8s.io/v1";
type Subject = { kind: "ServiceAccount"; name: string; namespace?: string };

export function rbac(namespace: string): Resource[] {
  const account = (component: Component): Resource => ({
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { labels: labels(component), name: names[component], namespace },
  });
  const role = (kind: "Role" | "ClusterRole", name: string, rules: Rule[]): Resource => ({
    apiVersion: rbacApi,
    kind,
    metadata: { labels: labels(), name, ...(kind === "Role" && { namespace }) },
    rules,
  });
  const binding = (kind: "Role" | "ClusterRole", name: string, subjects: Subject[]): Resource => ({
    apiVersion: rbacApi,
    kind: `${kind}Binding`,
    metadata: { labels: labels(), name, ...(kind === "Role" && { namespace }) },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind, name },
    subjects,
  });
  // The chart names the subjects of its RoleBindings without a namespace (the binding's own).
  const local = (component: Component): Subject => ({ kind: "ServiceAccount", name: names[component] });
  const qualified = (component: Component): Subject => ({ ...local(component), namespace });
  const cluster = (component: Component) => `${fullname}:${component}`;
  return [
    account("controller"),
    account("speaker"),
    role("ClusterRole", cluster("controller"), controllerClusterRole),
    role("ClusterRole", cluster("speaker"), speakerClusterRole),
    binding("ClusterRole", cluster("controller"), [qualified("controller")]),
    binding("ClusterRole", cluster("speaker"), [qualified("speaker")]),
    role("Role", names.podLister, podListerRole),
    role("Role", names.controller, controllerRole),
    binding("Role", names.podLister, [local("controller"), local("speaker")]),
    binding("Role", names.controller, [local("controller")]),
  ];
}
