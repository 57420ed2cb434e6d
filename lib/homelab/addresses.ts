// Every LAN address hangar owns, with who owns it and where it is declared: the preflight
// checks and the network doctor both start from this list.
import type { Homelab } from "./schema.ts";
import type { FieldPath } from "./problems.ts";
import { isNetworkAligned, parseIPv4, parsePoolEntry, type Span } from "../net/ipv4.ts";

export interface OwnedSpan {
  span: Span;
  /** Human name: "node home-01-cp-0", "the control-plane VIP", "pool lan". */
  owner: string;
  kind: "node" | "vip" | "pool";
  path: FieldPath;
}

export function ownedSpans(homelab: Homelab): OwnedSpan[] {
  const owned: OwnedSpan[] = [];
  const single = (text: string, owner: string, kind: OwnedSpan["kind"], path: FieldPath) => {
    const address = parseIPv4(text);
    if (address !== undefined) owned.push({ span: { first: address, last: address }, owner, kind, path });
  };
  homelab.nodes.forEach((node, index) => single(node.address, `node ${node.name}`, "node", ["nodes", index, "address"]));
  if (homelab.cluster.vip) single(homelab.cluster.vip, "the control-plane VIP", "vip", ["cluster", "vip"]);
  homelab.addons.metallb.pools.forEach((pool, poolIndex) =>
    pool.addresses.forEach((entry, index) => {
      const span = parsePoolEntry(entry);
      // An unaligned CIDR is reported on its own; guessing its span would only add noise.
      if (span && (!entry.includes("/") || isNetworkAligned(entry))) owned.push({ span, owner: `pool ${pool.name}`, kind: "pool", path: ["addons", "metallb", "pools", poolIndex, "addresses", index] });
    }),
  );
  return owned;
}
