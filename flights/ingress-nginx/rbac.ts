// Accounts and permissions of the controller and of the certificate jobs.
import type { Resource } from "../../lib/flight/contract.ts";
import { rule, type Rule } from "../../lib/flight/rbac.ts";
import { labels, type Component } from "./meta.ts";

const watch = ["get", "list", "watch"];

const controllerRole: Rule[] = [
  rule("", ["namespaces"], ["get"]),
  rule("", ["configmaps", "pods", "secrets", "endpoints"], watch),
  rule("", ["services"], watch),
  rule("networking.k8s.io", ["ingresses"], watch),
  rule("networking.k8s.io", ["ingresses/status"], ["update"]),
  rule("networking.k8s.io", ["ingressclasses"], watch),
  rule("coordination.k8s.io", ["leases"], ["get", "update"], ["ingress-nginx-leader"]),
  rule("coordination.k8s.io", ["leases"], ["create"]),
  rule("", ["events"], ["create", "patch"]),
  rule("discovery.k8s.io", ["endpointslices"], ["list", "watch", "get"]),
];

const controllerClusterRole: Rule[] = [
  rule("", ["configmaps", "endpoints", "nodes", "pods", "secrets", "namespaces"], ["list", "watch"]),
  rule("coordination.k8s.io", ["leases"], ["list", "watch"]),
  rule("", ["nodes"], ["get"]),
  rule("", ["services"], watch),
  rule("networking.k8s.io", ["ingresses"], watch),
  rule("", ["events"], ["create", "patch"]),
  rule("networking.k8s.io", ["ingresses/status"], ["update"]),
  rule("networking.k8s.io", ["ingressclasses"], watch),
  rule("discovery.k8s.io", ["endpointslices"], ["list", "watch", "get"]),
];

const rbacApi = "rbac.authorization.k8s.io/v1";

interface Account {
  name: string;
  component: Component;
  role: Rule[];
  clusterRole: Rule[];
  /** Upstream leaves the component label off the controller's cluster-wide objects. */
  clusterComponent?: Component;
}

const accounts: Account[] = [
  { name: "ingress-nginx", component: "controller", role: controllerRole, clusterRole: controllerClusterRole },
  {
    name: "ingress-nginx-admission",
    component: "admission-webhook",
    role: [rule("", ["secrets"], ["get", "create"])],
    clusterRole: [rule("admissionregistration.k8s.io", ["validatingwebhookconfigurations"], ["get", "update"])],
    clusterComponent: "admission-webhook",
  },
];

export function rbac(namespace: string): Resource[] {
  const serviceAccounts: Resource[] = accounts.map(({ name, component }) => ({
    apiVersion: "v1",
    automountServiceAccountToken: true,
    kind: "ServiceAccount",
    metadata: { labels: labels(component), name, namespace },
  }));
  const roles = (kind: "Role" | "ClusterRole"): Resource[] =>
    accounts.map((account) => ({
      apiVersion: rbacApi,
      kind,
      metadata: metadataFor(kind, account, namespace),
      rules: kind === "Role" ? account.role : account.clusterRole,
    }));
  const bindings = (kind: "Role" | "ClusterRole"): Resource[] =>
    accounts.map((account) => ({
      apiVersion: rbacApi,
      kind: `${kind}Binding`,
      metadata: metadataFor(kind, account, namespace),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind, name: account.name },
      subjects: [{ kind: "ServiceAccount", name: account.name, namespace }],
    }));
  return [...serviceAccounts, ...roles("Role"), ...roles("ClusterRole"), ...bindings("Role"), ...bindings("ClusterRole")];
}

function metadataFor(kind: "Role" | "ClusterRole", account: Account, namespace: string) {
  return kind === "Role"
    ? { labels: labels(account.component), name: account.name, namespace }
    : { labels: labels(account.clusterComponent), name: account.name };
}
