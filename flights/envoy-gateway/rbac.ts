// Accounts and permissions: the controller (cluster-wide reads and status writes, and in its own
// namespace the Envoy infrastructure it creates and its leader election) and the certgen Job.
import type { Resource } from "../../lib/flight/contract.ts";
import { rule, type Rule } from "../../lib/flight/rbac.ts";
import { labels, prefix } from "./meta.ts";

const read = ["get", "list", "watch"];
const manage = ["create", "get", "list", "delete", "deletecollection", "patch", "watch"];
const envoyPolicies = ["envoyproxies", "envoypatchpolicies", "clienttrafficpolicies", "backendtrafficpolicies", "securitypolicies", "envoyextensionpolicies", "backends"];
const routes = ["grpcroutes", "httproutes"];
const l4Routes = ["tcproutes", "tlsroutes", "udproutes"];

const controllerClusterRole: Rule[] = [
  rule("", ["nodes", "namespaces"], read),
  rule("gateway.networking.k8s.io", ["gatewayclasses"], ["get", "list", "patch", "update", "watch"]),
  rule("gateway.networking.k8s.io", ["gatewayclasses/status"], ["update"]),
  rule("multicluster.x-k8s.io", ["serviceimports"], read),
  rule("", ["configmaps", "secrets", "services"], read),
  rule("apps", ["deployments", "daemonsets"], read),
  rule("discovery.k8s.io", ["endpointslices"], read),
  rule("gateway.envoyproxy.io", [...envoyPolicies, "httproutefilters"], read),
  rule("gateway.envoyproxy.io", envoyPolicies.map((name) => `${name}/status`), ["update"]),
  rule("gateway.networking.k8s.io", ["gateways", "listenersets", ...routes, "referencegrants", ...l4Routes, "backendtlspolicies"], read),
  rule("gateway.networking.k8s.io", ["gateways", "listenersets", ...routes, ...l4Routes, "backendtlspolicies"].map((name) => `${name}/status`), ["update"]),
  rule("", ["pods", "pods/binding"], ["get", "list", "patch", "update", "watch"]),
];

const infraManagerRole: Rule[] = [
  rule("", ["serviceaccounts", "services", "configmaps"], manage),
  rule("apps", ["deployments", "daemonsets"], manage),
  rule("autoscaling", ["horizontalpodautoscalers"], manage),
  rule("policy", ["poddisruptionbudgets"], manage),
  rule("certificates.k8s.io", ["clustertrustbundles"], ["list", "get", "watch"]),
];

const leaderElectionRole: Rule[] = [
  rule("", ["configmaps"], ["get", "list", "watch", "create", "update", "patch", "delete"]),
  rule("coordination.k8s.io", ["leases"], ["get", "list", "watch", "create", "update", "patch", "delete"]),
  rule("", ["events"], ["create", "patch"]),
];

const rbacApi = "rbac.authorization.k8s.io/v1";

export function webhookName(namespace: string): string {
  return `envoy-gateway-topology-injector.${namespace}`;
}

export function rbac(namespace: string): Resource[] {
  const account = (name: string): Resource => ({ apiVersion: "v1", automountServiceAccountToken: false, kind: "ServiceAccount", metadata: { labels, name, namespace } });
  const role = (kind: "Role" | "ClusterRole", name: string, rules: Rule[]): Resource => ({
    apiVersion: rbacApi,
    kind,
    metadata: { labels, name, ...(kind === "Role" && { namespace }) },
    rules,
  });
  const binding = (kind: "Role" | "ClusterRole", name: string, roleName: string, subject: string): Resource => ({
    apiVersion: rbacApi,
    kind: `${kind}Binding`,
    metadata: { labels, name, ...(kind === "Role" && { namespace }) },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind, name: roleName },
    subjects: [{ kind: "ServiceAccount", name: subject, namespace }],
  });
  const certgen = `${prefix}-certgen`;
  // Cluster-wide names carry the namespace, as the release's do.
  const certgenCluster = `${certgen}:${namespace}`;
  return [
    account("envoy-gateway"),
    role("ClusterRole", `${prefix}-envoy-gateway-role`, controllerClusterRole),
    binding("ClusterRole", `${prefix}-envoy-gateway-rolebinding`, `${prefix}-envoy-gateway-role`, "envoy-gateway"),
    role("Role", `${prefix}-infra-manager`, infraManagerRole),
    role("Role", `${prefix}-leader-election-role`, leaderElectionRole),
    binding("Role", `${prefix}-infra-manager`, `${prefix}-infra-manager`, "envoy-gateway"),
    binding("Role", `${prefix}-leader-election-rolebinding`, `${prefix}-leader-election-role`, "envoy-gateway"),
    account(certgen),
    // certgen writes the CA into the topology injector's webhook configuration.
    role("ClusterRole", certgenCluster, [
      rule("admissionregistration.k8s.io", ["mutatingwebhookconfigurations"], read),
      rule("admissionregistration.k8s.io", ["mutatingwebhookconfigurations"], ["update", "patch"], [webhookName(namespace)]),
    ]),
    binding("ClusterRole", certgenCluster, certgenCluster, certgen),
    role("Role", certgen, [rule("", ["secrets"], ["get", "create", "update"])]),
    binding("Role", certgen, certgen, certgen),
  ];
}
