// Where a test node keeps everything, and who it is on the LAN: the example homelab's first node
// (its name, address, interface and MAC), so hangar deploys the example to it unchanged.
import { join } from "node:path";
import { parseHomelab } from "../../../lib/homelab/load.ts";
import { exampleText } from "../example.ts";

const { homelab } = parseHomelab(exampleText, "homelab.yaml");
const [exampleNode] = homelab.nodes;
const prefixLength = homelab.network.subnet.split("/")[1]!;

export const node = {
  name: exampleNode!.name,
  address: exampleNode!.address,
  cidr: `${exampleNode!.address}/${prefixLength}`,
  interface: exampleNode!.interface ?? "enp1s0",
  mac: exampleNode!.mac!,
  gateway: homelab.network.gateway,
};

/** The other machine on the LAN: a laptop holding the first lease of the router's DHCP range. */
export const peer = { address: homelab.network.dhcpRange!.start, cidr: `${homelab.network.dhcpRange!.start}/${prefixLength}`, interface: "eth0" };

export const podSubnet = "10.244.0.0/24";
export const serviceRange = "10.96.0.0/16";
export const apiPort = 6443;
export const apiServer = `https://${node.address}:${apiPort}`;

/** The names of one node's namespaces and cgroup: unique per run, so parallel nodes never meet. */
export function namesFor(id: string) {
  const prefix = `hangar-${id}`;
  return { lan: `${prefix}-lan`, node: `${prefix}-node`, peer: `${prefix}-peer`, host: (name: string) => `${prefix}-${name}`, cgroup: prefix };
}

/** Files of one node under its folder. */
export function pathsIn(dir: string) {
  return {
    dir,
    state: join(dir, "state.json"),
    bin: join(dir, "bin"),
    logs: join(dir, "logs"),
    etcd: join(dir, "etcd"),
    certs: join(dir, "certs"),
    ca: join(dir, "certs", "apiserver.crt"),
    tokens: join(dir, "tokens.csv"),
    adminToken: join(dir, "admin.token"),
    auditPolicy: join(dir, "audit-policy.yaml"),
    audit: join(dir, "audit.log"),
    saKey: join(dir, "sa.key"),
    saPub: join(dir, "sa.pub"),
    kubeconfig: join(dir, "kubeconfig"),
    kubeconfigFor: (user: string) => join(dir, `${user}.kubeconfig`),
    containerdConfig: join(dir, "containerd.toml"),
    containerdSocket: join(dir, "containerd.sock"),
    containerdRoot: join(dir, "containerd"),
    registryHosts: join(dir, "containerd-hosts"),
    cniConfDir: join(dir, "cni", "net.d"),
    cniData: join(dir, "cni", "ipam"),
    kubeletConfig: join(dir, "kubelet.yaml"),
    kubeletRoot: join(dir, "kubelet"),
    kubeProxyConfig: join(dir, "kube-proxy.yaml"),
    /** Mounted over /run, /var/lib and /var/log inside the node's mount namespace. */
    privateRun: join(dir, "private", "run"),
    privateVarLib: join(dir, "private", "var-lib"),
    privateVarLog: join(dir, "private", "var-log"),
  };
}

export type NodePaths = ReturnType<typeof pathsIn>;
