// Per-node network documents for Talos >= 1.12 (the multi-document network configuration).
// The hostname goes in HostnameConfig with `auto: off`: a legacy machine.network.hostname
// collides with the HostnameConfig that gen config emits ("static hostname is already set").
import type { Homelab, HomelabNode } from "../homelab/schema.ts";
import { parseCIDR } from "../net/ipv4.ts";

export type TalosDocument = Record<string, unknown>;

const aliasName = "lan0";

/**
 * The link a node's address lives on: its interface, else the link with its MAC (via an alias).
 * No `eth0` guess: since Talos 1.5 bare-metal links have predictable names (enp1s0, eno1).
 */
export function nodeLink(node: HomelabNode): string {
  if (node.interface) return node.interface;
  if (node.mac) return aliasName;
  throw new Error(`node ${node.name}: declare its interface (e.g. enp1s0) or its mac; Talos names links predictably, there is no eth0 to guess`);
}

export function hostnameConfig(node: HomelabNode): TalosDocument {
  return { apiVersion: "v1alpha1", kind: "HostnameConfig", hostname: node.name, auto: "off" };
}

export function nodeNetworkDocuments(homelab: Homelab, node: HomelabNode): TalosDocument[] {
  const prefix = parseCIDR(homelab.network.subnet)?.prefix;
  if (prefix === undefined) throw new Error(`network.subnet ${homelab.network.subnet} is not a CIDR`);
  const link = nodeLink(node);
  const documents: TalosDocument[] = [hostnameConfig(node)];
  if (!node.interface && node.mac) {
    documents.push({
      apiVersion: "v1alpha1",
      kind: "LinkAliasConfig",
      name: aliasName,
      selector: { match: `mac(link.permanent_addr) == "${node.mac}"` },
    });
  }
  documents.push({
    apiVersion: "v1alpha1",
    kind: "LinkConfig",
    name: link,
    addresses: [{ address: `${node.address}/${prefix}` }],
    // The default route is the route without a destination: Talos rejects an unspecified prefix
    // such as 0.0.0.0/0 (CommonLinkConfig.Validate, pkg/machinery/config/types/network/link.go).
    routes: [{ gateway: homelab.network.gateway }],
  });
  if (homelab.cluster.vip && node.role === "controlplane") {
    documents.push({ apiVersion: "v1alpha1", kind: "Layer2VIPConfig", name: homelab.cluster.vip, link });
  }
  return documents;
}

/** Cluster-wide resolvers; none declared keeps Talos' defaults. */
export function resolverDocuments(homelab: Homelab): TalosDocument[] {
  const nameservers = homelab.network.nameservers;
  if (!nameservers) return [];
  return [{ apiVersion: "v1alpha1", kind: "ResolverConfig", nameservers: nameservers.map((address) => ({ address })) }];
}
