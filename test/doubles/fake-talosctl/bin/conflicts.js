// container.V1Alpha1ConflictValidator: a document and the v1alpha1 fields it replaces never both.
// Each document answers with its first conflict only, in Talos' words; the container lists the
// answers in document order (pkg/machinery/config/container/validate.go). A kind only decodes in
// the releases that know it, so one table serves every release. Sources are under
// pkg/machinery/config/types/ at v1.14.1 (the same checks at v1.14.0-rc.1; HostnameConfig and
// ResolverConfig since v1.12). Left out: v1.14's ResolverConfig hostDNS against
// .machine.features.hostDNS, and the kinds neither hangar nor gen config writes.

/** Set in YAML: Go decodes an absent key or a null into a nil pointer. */
const present = (value) => value !== undefined && value !== null;
const first = (...checks) => checks.find(([conflicts]) => conflicts)?.[1];

/** kind -> (v1alpha1 config) -> message of its first conflict, or undefined. */
const conflicts = {
  // network/hostname.go
  HostnameConfig: (c) => first([c.machine?.network?.hostname, "static hostname is already set in v1alpha1 config"], [c.machine?.features?.stableHostname === true, "stable hostname is already set in v1alpha1 config"]),
  // network/resolver.go
  ResolverConfig: (c) =>
    first(
      [present(c.machine?.network?.searchDomains), ".machine.network.searchDomains is already set in v1alpha1 config"],
      [present(c.machine?.network?.nameservers), ".machine.network.nameservers is already set in v1alpha1 config"],
      [c.machine?.network?.disableSearchDomain === true, ".machine.network.disableSearchDomain is already set in v1alpha1 config"],
    ),
  // runtime/unattended_install.go
  UnattendedInstallConfig: (c) => first([present(c.machine?.install), "UnattendedInstallConfig config is incompatible with v1alpha1 config (.machine.install)"]),
  // k8s/node.go
  KubeNodeConfig: (c) =>
    first(
      [present(c.cluster?.allowSchedulingOnControlPlanes), ".cluster.allowSchedulingOnControlPlanes is already set in v1alpha1 config"],
      [present(c.cluster?.allowSchedulingOnMasters), ".cluster.allowSchedulingOnMasters is already set in v1alpha1 config"],
      [present(c.machine?.kubelet?.skipNodeRegistration), ".machine.kubelet.skipNodeRegistration is already set in v1alpha1 config"],
      [present(c.machine?.kubelet?.registerWithFQDN), ".machine.kubelet.registerWithFQDN is already set in v1alpha1 config"],
      [present(c.machine?.kubelet?.nodeIP), ".machine.kubelet.nodeIP is already set in v1alpha1 config"],
      [present(c.machine?.nodeLabels), ".machine.nodeLabels is already set in v1alpha1 config"],
      [present(c.machine?.nodeAnnotations), ".machine.nodeAnnotations is already set in v1alpha1 config"],
      [present(c.machine?.nodeTaints), ".machine.nodeTaints is already set in v1alpha1 config"],
    ),
  // k8s/kubelet.go
  KubeletConfig: (c) => first([present(c.machine?.kubelet), "kubelet config is already set in v1alpha1 config (.machine.kubelet)"]),
  // k8s/cluster.go
  KubeClusterConfig: (c) =>
    first(
      [c.cluster?.clusterName, "cluster name is already set in the v1alpha1 config (.cluster.clusterName). Please remove it and use only the new KubeClusterConfig document to avoid conflicts"],
      [present(c.cluster?.controlPlane?.endpoint), "cluster endpoint is already set in the v1alpha1 config (.cluster.controlPlane.endpoint). Please remove it and use only the new KubeClusterConfig document to avoid conflicts"],
    ),
  // k8s/network.go
  KubeNetworkConfig: (c) => first([present(c.cluster?.network), "cluster network config is already set in the v1alpha1 config (.machine.cluster.network). Please remove it and use only the new KubeNetworkConfig document to avoid conflicts"]),
  // k8s/flannel.go
  KubeFlannelCNIConfig: (c) => first([present(c.cluster?.network), "cluster network config in v1alpha1 config (.machine.cluster.network) can't be used with KubeFlannelCNIConfig document, please remove it to avoid conflicts"]),
  // k8s/apiserver.go
  KubeAPIServerConfig: (c) =>
    first(
      [present(c.cluster?.apiServer), "kube-apiserver config is already set in v1alpha1 config (.cluster.apiServer)"],
      [Boolean(c.cluster?.controlPlane?.localAPIServerPort), "kube-apiserver API port is already set in v1alpha1 config (.cluster.controlPlane.localAPIServerPort)"],
    ),
  // k8s/apiserver_ca.go
  KubeAPIServerCAConfig: (c) => first([present(c.cluster?.ca), "kube-apiserver CA is already set in v1alpha1 config (.cluster.ca)"]),
  // k8s/aggregator_ca.go
  KubeAggregatorCAConfig: (c) => first([present(c.cluster?.aggregatorCA), "kube-apiserver aggregator CA is already set in v1alpha1 config (.cluster.aggregatorCA), please remove it and use the new KubeAggregatorCAConfig document instead"]),
  // k8s/service_account.go
  KubeServiceAccountConfig: (c) => first([present(c.cluster?.serviceAccount), "service account is already set in v1alpha1 config (.cluster.serviceAccount)"]),
  // k8s/etcd_encryption.go
  KubeEtcdEncryptionConfig: (c) => first([Boolean(c.cluster?.secretboxEncryptionSecret || c.cluster?.aescbcEncryptionSecret), "etcd encryption config is already set in v1alpha1 config"]),
  // k8s/controller_manager.go
  KubeControllerManagerConfig: (c) =>
    first(
      [present(c.cluster?.controllerManager), "kube-controller-manager config is already set in v1alpha1 config (.cluster.controllerManager)"],
      [present(c.machine?.controlPlane?.controllerManager), "kube-controller-manager config is already set in v1alpha1 config (.machine.controlplane.controllerManager)"],
    ),
  // k8s/scheduler.go
  KubeSchedulerConfig: (c) =>
    first(
      [present(c.cluster?.scheduler), "kube-scheduler config is already set in v1alpha1 config (.cluster.scheduler)"],
      [present(c.machine?.controlPlane?.scheduler), "kube-scheduler config is already set in v1alpha1 config (.machine.controlplane.scheduler)"],
    ),
  // k8s/proxy.go
  KubeProxyConfig: (c) => first([present(c.cluster?.proxy), "cluster proxy config in v1alpha1 config (.machine.cluster.proxy) can't be used with KubeProxyConfig document, please remove it to avoid conflicts"]),
  // k8s/coredns.go
  KubeCoreDNSConfig: (c) => first([present(c.cluster?.coreDNS), "CoreDNS config is already set in v1alpha1 config (.cluster.coreDNS)"]),
  // k8s/kubeprism.go
  KubePrismConfig: (c) => first([present(c.machine?.features?.kubePrism), "KubePrism config in v1alpha1 config (.machine.features.kubePrism) can't be used with KubePrismConfig document, please remove it to avoid conflicts"]),
  // k8s/audit_policy.go
  KubeAuditPolicyConfig: (c) => first([Object.keys(c.cluster?.apiServer?.auditPolicy ?? {}).length > 0, "audit policy config is already set in v1alpha1 config"]),
  // k8s/admission_control.go and k8s/authorization.go (the same words in both)
  KubeAdmissionControlConfig: (c) => first([(c.cluster?.apiServer?.admissionControl ?? []).length > 0, "admission control plugin config is already set in v1alpha1 config"]),
  KubeAuthorizerConfig: (c) => first([(c.cluster?.apiServer?.admissionControl ?? []).length > 0, "admission control plugin config is already set in v1alpha1 config"]),
  // cluster/discovery_service.go
  DiscoveryServiceConfig: (c) => first([present(c.cluster?.discovery), "discovery service is already configured in .cluster.discovery of the v1alpha1 config"]),
  // cluster/discovery_identity.go
  DiscoveryIdentityConfig: (c) => first([Boolean(c.cluster?.id || c.cluster?.secret), "cluster identity is already configured in .cluster.id/.cluster.secret of the v1alpha1 config"]),
};

/** The conflicts of these documents with the v1alpha1 document, in document order. */
function conflictErrors(config, documents) {
  if (Object.keys(config).length === 0) return [];
  return documents.map((doc) => conflicts[doc.kind]?.(config)).filter((message) => message !== undefined);
}

module.exports = { conflictErrors };
