// The resource types the fake API server knows: built-in kinds, plus CRD kinds once Established.
export interface Kind {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  /** Served from a CRD: lists carry each item's kind and apiVersion (unstructured), built-in lists do not. */
  custom?: boolean;
}

const builtins: [apiVersion: string, kind: string, plural: string, namespaced: boolean][] = [
  ["v1", "Namespace", "namespaces", false],
  ["v1", "ServiceAccount", "serviceaccounts", true],
  ["v1", "ConfigMap", "configmaps", true],
  ["v1", "Secret", "secrets", true],
  ["v1", "Service", "services", true],
  ["v1", "Node", "nodes", false],
  ["apps/v1", "Deployment", "deployments", true],
  ["apps/v1", "DaemonSet", "daemonsets", true],
  ["apps/v1", "ReplicaSet", "replicasets", true],
  ["apps/v1", "ControllerRevision", "controllerrevisions", true],
  ["policy/v1", "PodDisruptionBudget", "poddisruptionbudgets", true],
  ["batch/v1", "Job", "jobs", true],
  ["rbac.authorization.k8s.io/v1", "Role", "roles", true],
  ["rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings", true],
  ["rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles", false],
  ["rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings", false],
  ["admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", false],
  ["admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", false],
  ["apiextensions.k8s.io/v1", "CustomResourceDefinition", "customresourcedefinitions", false],
  ["networking.k8s.io/v1", "IngressClass", "ingressclasses", false],
  ["networking.k8s.io/v1", "Ingress", "ingresses", true],
  ["v1", "Event", "events", true],
  ["discovery.k8s.io/v1", "EndpointSlice", "endpointslices", true],
  ["admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy", "validatingadmissionpolicies", false],
  ["admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings", false],
  ["coordination.k8s.io/v1", "Lease", "leases", true],
  ["v1", "Pod", "pods", true],
];

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  return { group: group!, version: version! };
}

export class KindRegistry {
  private readonly kinds: Kind[] = builtins.map(([apiVersion, kind, plural, namespaced]) => ({
    ...splitApiVersion(apiVersion),
    kind,
    plural,
    namespaced,
  }));

  all(): readonly Kind[] {
    return this.kinds;
  }

  byKind(apiVersion: string, kind: string): Kind | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    return this.kinds.find((k) => k.group === group && k.version === version && k.kind === kind);
  }

  byPlural(group: string, version: string, plural: string): Kind | undefined {
    return this.kinds.find((k) => k.group === group && k.version === version && k.plural === plural);
  }

  /** An Established CRD makes each served version discoverable. */
  addCrd(crd: Record<string, any>): void {
    const { group, names, scope, versions } = crd.spec;
    for (const version of versions ?? []) {
      if (!version.served || this.byPlural(group, version.name, names.plural)) continue;
      this.kinds.push({ group, version: version.name, kind: names.kind, plural: names.plural, namespaced: scope === "Namespaced", custom: true });
    }
  }

  removeCrd(crd: Record<string, any>): void {
    const { group, names } = crd.spec;
    for (let i = this.kinds.length - 1; i >= 0; i--) {
      if (this.kinds[i]!.group === group && this.kinds[i]!.plural === names.plural) this.kinds.splice(i, 1);
    }
  }
}

export function apiVersionOf(kind: Kind): string {
  return kind.group ? `${kind.group}/${kind.version}` : kind.version;
}
