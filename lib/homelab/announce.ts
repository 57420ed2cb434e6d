// Which nodes MetalLB may announce from: both the metallb flight's input and the Talos patches
// (the control-plane label removal) depend on this one answer.
import type { Homelab } from "./schema.ts";

/** True when an L2 advertisement may be announced from a control-plane node. */
export function announcesFromControlPlanes(homelab: Homelab): boolean {
  const controlPlanes = homelab.nodes.filter((node) => node.role === "controlplane").map((node) => node.name);
  // No node list means every node may announce, control planes included.
  return homelab.addons.metallb.l2Advertisements.some(
    (ad) => ad.nodes === undefined || ad.nodes.some((name) => controlPlanes.includes(name)),
  );
}
