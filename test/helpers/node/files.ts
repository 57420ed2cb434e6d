// The configuration files of a test node's components, as text. Pure: start.ts writes them.
// Every choice here is one this machine needs (cgroup v1, no swap accounting, a sandbox that
// forbids lowering OOM scores, no registry, a disk shared with other work).
import { tokenKubeconfig } from "../kubeconfig.ts";
import { apiServer, node, podSubnet, type NodePaths } from "./layout.ts";

export const users = {
  /** The tests and hangar: the only user whose every request the audit log records. */
  admin: "hangar-test",
  controllerManager: "system:kube-controller-manager",
  scheduler: "system:kube-scheduler",
  kubelet: `system:node:${node.name}`,
  proxy: "system:kube-proxy",
} as const;

export type User = keyof typeof users;

/** tokens.csv: every component is an administrator; the kubelet is also a node, as NodeRestriction expects. */
export function tokensFile(tokens: Record<User, string>): string {
  const groups = (user: User) => (user === "kubelet" ? "system:masters,system:nodes" : "system:masters");
  return (Object.keys(users) as User[]).map((user, uid) => `${tokens[user]},${users[user]},${uid + 1},"${groups(user)}"`).join("\n") + "\n";
}

/**
 * The audit log answers what the tests ask of the order of events: everything the admin did, the
 * status updates of MetalLB's workloads (whether they were Available), and every write to an
 * admission webhook configuration (when a CA was injected, and by whom).
 */
export const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    users: [${users.admin}]
  - level: Request
    namespaces: [metallb-system]
    verbs: [update, patch]
    resources: [{ group: apps, resources: [deployments/status, daemonsets/status] }]
  - level: Metadata
    verbs: [create, update, patch]
    resources: [{ group: admissionregistration.k8s.io, resources: [validatingwebhookconfigurations, mutatingwebhookconfigurations] }]
  - level: None
`;

export function kubeconfig(user: string, token: string, ca: string): string {
  return tokenKubeconfig({ name: "node", server: apiServer, ca, user, token });
}

export function containerdConfig(paths: NodePaths, runc: string, sandboxImage: string): string {
  return `version = 3
root = "${paths.containerdRoot}/root"
state = "${paths.containerdRoot}/state"

[grpc]
  address = "${paths.containerdSocket}"

[ttrpc]
  address = "${paths.containerdSocket}.ttrpc"

[plugins.'io.containerd.cri.v1.runtime']
  # This sandbox forbids lowering a process's OOM score: runc would fail every container.
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true

  [plugins.'io.containerd.cri.v1.runtime'.cni]
    bin_dirs = ["/usr/lib/cni"]
    conf_dir = "${paths.cniConfDir}"

  [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"

    [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
      BinaryName = "${runc}"
      SystemdCgroup = false

[plugins.'io.containerd.cri.v1.images']
  [plugins.'io.containerd.cri.v1.images'.pinned_images]
    sandbox = "${sandboxImage}"

  [plugins.'io.containerd.cri.v1.images'.registry]
    config_path = "${paths.registryHosts}"
`;
}

/**
 * Every registry, for containerd, is the node's own loopback port 1, where nothing listens: a
 * pull of an image that was not imported fails at once ("connection refused"), and no name is
 * ever looked up (the host's resolver is unreachable from the node: a lookup waits out its timeout).
 */
export const registryHostsToml = `server = "http://127.0.0.1:1"

[host."http://127.0.0.1:1"]
  capabilities = ["pull", "resolve"]
`;

/** One bridge for the pods, addresses from host-local; nothing else (no masquerade: no uplink). */
export function cniConfig(paths: NodePaths): string {
  return JSON.stringify({
    cniVersion: "1.0.0",
    name: "pods",
    plugins: [
      {
        type: "bridge",
        bridge: "cni0",
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ipam: { type: "host-local", ranges: [[{ subnet: podSubnet }]], routes: [{ dst: "0.0.0.0/0" }], dataDir: paths.cniData },
      },
    ],
  }, null, 2);
}

/** Pods' cgroups go under cgroupRoot (QoS classes included), which the node's teardown sweeps. */
export function kubeletConfig(paths: NodePaths, cgroupRoot: string): string {
  return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# This machine has cgroup v1 only; Kubernetes 1.35+ refuses it unless told.
failCgroupV1: false
cgroupDriver: cgroupfs
# Per-QoS cgroups: without them kubelet names no cgroup parent and containerd puts every
# container under /k8s.io, shared by every node on the machine.
cgroupsPerQOS: true
cgroupRoot: ${cgroupRoot}
enforceNodeAllocatable: []
failSwapOn: false
resolvConf: ""
address: ${node.address}
healthzBindAddress: 127.0.0.1
authentication:
  anonymous: { enabled: true }
  webhook: { enabled: false }
authorization:
  mode: AlwaysAllow
# The disk is shared with other work: never evict pods nor collect the images imported by hand.
evictionHard: { memory.available: "1Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%" }
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
containerRuntimeEndpoint: unix://${paths.containerdSocket}
`;
}

export function kubeProxyConfig(paths: NodePaths): string {
  return `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection:
  kubeconfig: ${paths.kubeconfigFor("kube-proxy")}
hostnameOverride: ${node.name}
clusterCIDR: ${podSubnet}
bindAddress: ${node.address}
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
# The conntrack table belongs to the machine: leave its sysctls alone.
conntrack:
  maxPerCore: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
`;
}
