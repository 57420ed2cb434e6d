// Service accounts, roles and bindings of the controller and the speaker.
import type { Resource } from "../../lib/flight/contract.ts";

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };

const labels = { app: "metallb" };
const watchVerbs = ["get", "list", "watch"];
const allVerbs = ["create", "delete", "get", "list", "patch", "update", "watch"];
const rule = (apiGroup: string, resources: string[], verbs: string[], resourceNames?: string[]): Rule => ({
  apiGroups: [apiGroup],
  ...(resourceNames && { resourceNames }),
  resources,
  verbs,
});
const metallbRead = (...resources: string[]) => resources.map((resource) => rule("metallb.io", [resource], watchVerbs));

/** CRDs whose conversion webhook and caBundle the controller manages. */
const managedCrds = ["bfdprofiles", "bgpadvertisements", "bgppeers", "ipaddresspools", "l2advertisements", "communities", "configurationstates"];

const controllerRole: Rule[] = [
  rule("", ["secrets"], allVerbs),
  rule("", ["secrets"], ["list"], ["memberlist"]),
  rule("apps", ["deployments"], ["get"], ["controller"]),
  rule("metallb.io", ["bgppeers"], ["get", "list"]),
  ...metallbRead("bfdprofiles", "ipaddresspools"),
  rule("metallb.io", ["ipaddresspools/status"], ["update"]),
  ...metallbRead("bgpadvertisements", "l2advertisements", "communities"),
];

const podListerRole: Rule[] = [
  rule("", ["pods"], ["list", "get"]),
  rule("", ["secrets"], watchVerbs),
  rule("", ["configmaps"], watchVerbs),
  ...metallbRead("bfdprofiles", "bgppeers", "l2advertisements", "bgpadvertisements", "ipaddresspools", "communities"),
  rule("metallb.io", ["servicebgpstatuses", "servicebgpstatuses/status"], ["*"]),
];

const controllerClusterRole: Rule[] = [
  rule("", ["services", "namespaces"], watchVerbs),
  rule("", ["nodes"], ["list"]),
  rule("", ["services/status"], ["update"]),
  rule("", ["events"], ["create", "patch"]),
  rule("policy", ["podsecuritypolicies"], ["use"], ["controller"]),
  rule("admissionregistration.k8s.io", ["validatingwebhookconfigurations"], allVerbs, ["metallb-webhook-configuration"]),
  rule("admissionregistration.k8s.io", ["validatingwebhookconfigurations"], ["list", "watch"]),
  rule("apiextensions.k8s.io", ["customresourcedefinitions"], allVerbs, managedCrds.map((plural) => `${plural}.metallb.io`)),
  rule("apiextensions.k8s.io", ["customresourcedefinitions"], ["list", "watch"]),
  rule("metallb.io", ["configurationstates"], allVerbs),
  rule("metallb.io", ["configurationstates/status"], ["get", "patch", "update"]),
];

const speakerClusterRole: Rule[] = [
  rule("metallb.io", ["servicel2statuses", "servicel2statuses/status", "configurationstates", "configurationstates/status"], ["*"]),
  rule("", ["services", "endpoints", "nodes", "namespaces"], watchVerbs),
  rule("discovery.k8s.io", ["endpointslices"], watchVerbs),
  rule("", ["events"], ["create", "patch"]),
  rule("policy", ["podsecuritypolicies"], ["use"], ["speaker"]),
];

const rbacApi = "rbac.authorization.k8s.io/v1";

export function rbac(namespace: string): Resource[] {
  const account = (name: string) => ({ kind: "ServiceAccount", name, namespace });
  const role = (kind: "Role" | "ClusterRole", name: string, rules: Rule[]): Resource => ({
    apiVersion: rbacApi,
    kind,
    metadata: { labels, name, ...(kind === "Role" && { namespace }) },
    rules,
  });
  const binding = (kind: "Role" | "ClusterRole", name: string, accounts: string[]): Resource => ({
    apiVersion: rbacApi,
    kind: `${kind}Binding`,
    metadata: { labels, name, ...(kind === "Role" && { namespace }) },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind, name },
    subjects: accounts.map(account),
  });
  // The cluster-wide names carry the namespace, as upstream's do for metallb-system.
  const cluster = (who: string) => `${namespace}:${who}`;
  return [
    ...["controller", "speaker"].map((name) => ({ apiVersion: "v1", kind: "ServiceAccount", metadata: { labels, name, namespace } })),
    role("Role", "controller", controllerRole),
    role("Role", "pod-lister", podListerRole),
    role("ClusterRole", cluster("controller"), controllerClusterRole),
    role("ClusterRole", cluster("speaker"), speakerClusterRole),
    binding("Role", "controller", ["controller"]),
    binding("Role", "pod-lister", ["controller", "speaker"]),
    binding("ClusterRole", cluster("controller"), ["controller"]),
    binding("ClusterRole", cluster("speaker"), ["speaker"]),
  ];
}
