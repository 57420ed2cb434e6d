// From ARP answers to verdicts: every address hangar owns should be answered by exactly the
// cluster's nodes; anything else is a thief (usually a DHCP client), a clash, or silence.
import type { Homelab } from "../homelab/schema.ts";
import { ownedSpans } from "../homelab/addresses.ts";
import { formatIPv4 } from "./ipv4.ts";
import type { ArpAnswer } from "./arp-scan.ts";

export interface ProbeTarget {
  ip: string;
  /** node home-01-cp-0, pool lan, ... */
  owner: string;
  /** The node's MAC for a node address; undefined for pool addresses (any node may announce). */
  expectedMac?: string;
}

export interface Finding {
  ip: string;
  problem: boolean;
  message: string;
}

/** Addresses to probe; large pools are capped so a /24 pool does not mean 254 probes. */
export function probeTargets(homelab: Homelab, poolCap = 16): ProbeTarget[] {
  const macs = new Map(homelab.nodes.map((node) => [node.address, node.mac]));
  const targets: ProbeTarget[] = [];
  for (const owned of ownedSpans(homelab)) {
    for (let address = owned.span.first; address <= Math.min(owned.span.last, owned.span.first + poolCap - 1); address++) {
      const ip = formatIPv4(address);
      if (targets.some((target) => target.ip === ip)) continue;
      targets.push({ ip, owner: owned.owner, ...(owned.kind === "node" && macs.get(ip) && { expectedMac: macs.get(ip) }) });
    }
  }
  return targets;
}

export function diagnose(targets: ProbeTarget[], answers: ArpAnswer[], nodeMacs: ReadonlySet<string>): Finding[] {
  return targets.map((target) => {
    const macs = [...new Set(answers.filter((answer) => answer.ip === target.ip).map((answer) => answer.mac))];
    const where = `${target.ip} (${target.owner})`;
    if (macs.length === 0) {
      const hint = target.owner.startsWith("node")
        ? "is the node powered on and on this LAN?"
        : "is MetalLB's speaker running, and does an L2Advertisement cover this pool and a node on this interface?";
      return { ip: target.ip, problem: true, message: `${where}: nobody answers ARP; ${hint}` };
    }
    const known = (mac: string) => (target.expectedMac ? mac === target.expectedMac : nodeMacs.size === 0 || nodeMacs.has(mac));
    const strangers = macs.filter((mac) => !known(mac));
    if (strangers.length > 0) {
      const owners = macs.filter(known);
      const byNode = owners.length > 0 ? `is answered by ${owners.join(", ")} (a cluster node) and also by` : "is answered by";
      return {
        ip: target.ip,
        problem: true,
        message:
          `${where} ${byNode} ${strangers.join(", ")}, which is not a cluster node: probably a DHCP client; ` +
          "shrink the router's DHCP range and renew its leases",
      };
    }
    if (macs.length > 1) {
      return { ip: target.ip, problem: true, message: `${where} is answered by two owners, ${macs.join(" and ")}; only one node should announce it` };
    }
    return { ip: target.ip, problem: false, message: `${where}: answered by ${macs[0]} only` };
  });
}

/** Changes between two rounds of answers, for --watch: one line per address whose answer set changed. */
export function changes(before: ArpAnswer[], after: ArpAnswer[], targets: ProbeTarget[]): string[] {
  const macsOf = (answers: ArpAnswer[], ip: string) => [...new Set(answers.filter((a) => a.ip === ip).map((a) => a.mac))].sort().join(", ") || "nobody";
  return targets
    .filter((target) => macsOf(before, target.ip) !== macsOf(after, target.ip))
    .map((target) => `${target.ip} (${target.owner}): was answered by ${macsOf(before, target.ip)}, now by ${macsOf(after, target.ip)}`);
}
