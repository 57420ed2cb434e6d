// Cluster-level facts talosctl needs, derived from the declaration.
import type { Homelab, HomelabNode } from "../homelab/schema.ts";

export function controlPlanes(homelab: Homelab): HomelabNode[] {
  return homelab.nodes.filter((node) => node.role === "controlplane");
}

export function workers(homelab: Homelab): HomelabNode[] {
  return homelab.nodes.filter((node) => node.role === "worker");
}

/** The node that is bootstrapped and that cluster-wide commands talk to. */
export function firstControlPlane(homelab: Homelab): HomelabNode {
  const first = controlPlanes(homelab)[0];
  if (!first) throw new Error("the declaration has no control-plane node");
  return first;
}

/** The Kubernetes API endpoint: the VIP when declared, else the first control plane. */
export function clusterEndpoint(homelab: Homelab): string {
  return `https://${homelab.cluster.vip ?? firstControlPlane(homelab).address}:6443`;
}
