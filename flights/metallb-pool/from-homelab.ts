// homelab.yaml -> the metallb-pool flight's input.
import type { Homelab } from "../../lib/homelab/schema.ts";

export function metallbPoolInputFrom(homelab: Homelab) {
  const { metallb } = homelab.addons;
  return {
    pools: metallb.pools.map((pool) => ({
      name: pool.name,
      addresses: pool.addresses,
      autoAssign: pool.autoAssign ?? true,
      avoidBuggyIPs: pool.avoidBuggyIPs ?? false,
    })),
    l2Advertisements: metallb.l2Advertisements.map((ad) => ({
      name: ad.name,
      ipAddressPools: ad.pools ?? [],
      nodeSelectors: (ad.nodes ?? []).map((node) => ({ matchLabels: { "kubernetes.io/hostname": node } })),
      interfaces: ad.interfaces ?? [],
    })),
  };
}
