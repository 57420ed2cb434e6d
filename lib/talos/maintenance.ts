// Finding a node that runs from the ISO (or was reset): it has a DHCP lease from the router's
// range, not its future static address. As a user would: an explicit address
// (--maintenance-address NAME=IP or the node's maintenanceAddress), else the host answering ARP
// with the node's declared MAC in the DHCP range (the doctor's arp-scan).
import type { Homelab, HomelabNode } from "../homelab/schema.ts";
import type { ArpAnswer } from "../net/arp-scan.ts";
import { formatIPv4, parseIPv4 } from "../net/ipv4.ts";
import { maintenanceAddressProblem } from "../homelab/rules.ts";

export type ArpScanResult = { answers: ArpAnswer[] } | { error: string };

/** `--maintenance-address NAME=IP` (repeatable; the command line already split NAME from IP). */
export function parseMaintenanceFlags(values: readonly string[], homelab: Homelab): Map<string, string> {
  const found = new Map<string, string>();
  for (const value of values) {
    const [name = "", address = ""] = value.split("=", 2);
    if (!homelab.nodes.some((node) => node.name === name)) {
      throw new Error(`--maintenance-address ${value}: no node named ${name} (nodes: ${homelab.nodes.map((node) => node.name).join(", ")})`);
    }
    if (parseIPv4(address) === undefined) throw new Error(`--maintenance-address ${value}: ${address} is not an IPv4 address`);
    const node = homelab.nodes.find((candidate) => candidate.name === name)!;
    const problem = maintenanceAddressProblem(address, homelab.network, node.address);
    if (problem) throw new Error(`--maintenance-address ${value}: ${problem}`);
    found.set(name, address);
  }
  return found;
}

/** Every address of the declared DHCP range, for arp-scan (at most a /22's worth). */
export function dhcpRangeAddresses(homelab: Homelab): string[] {
  const range = homelab.network.dhcpRange;
  if (!range) return [];
  const first = parseIPv4(range.start)!;
  const last = Math.min(parseIPv4(range.end)!, first + 1023);
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, index) => formatIPv4(first + index));
}

/** True when the ARP scan can help: some node has a MAC and no explicit address. */
export function needsScan(nodes: readonly HomelabNode[], explicit: Map<string, string>): boolean {
  return nodes.some((node) => !explicit.has(node.name) && !node.maintenanceAddress && node.mac);
}

export type Located = { address: string; how: string } | { problem: string };

export function locateMaintenance(homelab: Homelab, node: HomelabNode, explicit: Map<string, string>, scan: ArpScanResult | undefined): Located {
  const flagged = explicit.get(node.name);
  if (flagged) return { address: flagged, how: "--maintenance-address" };
  if (node.maintenanceAddress) return { address: node.maintenanceAddress, how: "maintenanceAddress in homelab.yaml" };
  const pass = `pass --maintenance-address ${node.name}=<its DHCP address> (shown on the node's console)`;
  if (!node.mac) return { problem: `it declares no mac, so hangar cannot find its DHCP lease: add its mac to homelab.yaml or ${pass}` };
  if (!homelab.network.dhcpRange) return { problem: `network.dhcpRange is not declared, so there is no range to scan for ${node.mac}: declare it or ${pass}` };
  if (!scan) return { problem: `the DHCP range was not scanned; ${pass}` };
  if ("error" in scan) return { problem: `cannot scan the DHCP range for ${node.mac} (${scan.error}); ${pass}` };
  const hits = [...new Set(scan.answers.filter((answer) => answer.mac === node.mac).map((answer) => answer.ip))];
  if (hits.length === 1) return { address: hits[0]!, how: `ARP: ${node.mac} in the DHCP range` };
  if (hits.length > 1) return { problem: `${node.mac} answers at several addresses (${hits.join(", ")}); ${pass}` };
  const range = homelab.network.dhcpRange;
  return {
    problem: `no host with ${node.mac} answers in the DHCP range ${range.start}-${range.end}: boot it from the Talos ISO, or ${pass}`,
  };
}
