// Semantic rules on plain values, the one source of truth for them: the homelab.yaml checks,
// each flight's input validation and the command line all call these. Each returns the problem
// as the end of a sentence that starts with the field ("nodes[0].interface: ..."), or undefined.
// Kept free of schema libraries: the flights bundle this file.
import { contains, formatIPv4, isNetworkAligned, parseCIDR, parseIPv4, parsePoolEntry } from "../net/ipv4.ts";

const dns1123Label = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function dnsLabelProblem(value: string): string | undefined {
  return dns1123Label.test(value)
    ? undefined
    : `"${value}" is not a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters`;
}

/** Linux's dev_valid_name(): 1 to 15 bytes, not "." or "..", no '/', ':' or whitespace. */
export function interfaceNameProblem(name: string): string | undefined {
  if (name === "") return "is empty; name a link like enp1s0";
  const bytes = utf8Length(name);
  if (bytes > 15) return `"${name}" is ${bytes} ${bytes === name.length ? "characters" : "bytes"} long; Linux interface names have at most 15`;
  if (name === "." || name === "..") return `"${name}" is not a valid Linux interface name`;
  const bad = /[/:\s]/.exec(name);
  if (bad) return `"${name}" contains ${bad[0] === "/" ? "'/'" : bad[0] === ":" ? "':'" : "whitespace"}, which Linux interface names cannot contain`;
  return undefined;
}

/** A LAN: a network address with a prefix from /8 to /30 (a /0 is the whole internet, a /31 has no hosts). */
export function subnetProblem(cidr: string): string | undefined {
  const span = parseCIDR(cidr);
  if (!span) return `"${cidr}" is not an IPv4 network like 10.0.0.0/24`;
  if (span.prefix < 8) {
    const typed = parseIPv4(cidr.split("/")[0]!)!;
    return `${cidr} is a /${span.prefix}, far larger than any LAN; a homelab subnet is /8 to /30, e.g. ${formatIPv4(typed - (typed % 256))}/24`;
  }
  if (span.prefix > 30) return `${cidr} is a /${span.prefix}, which leaves no room for a gateway and nodes; use /30 or larger, e.g. /24`;
  if (!isNetworkAligned(cidr)) return `is not a network address; write ${formatIPv4(span.first)}/${span.prefix}`;
  return undefined;
}

/** A MetalLB pool entry: a CIDR (network aligned) or a first-last range. */
export function poolEntryProblem(entry: string): string | undefined {
  const ends = entry.split("-").map((part) => part.trim());
  const [from, to] = ends.map((end) => parseIPv4(end));
  if (ends.length === 2 && from !== undefined && to !== undefined && from > to) {
    return `${entry} is reversed: its first address comes after its last; write ${ends[1]}-${ends[0]}`;
  }
  if (!parsePoolEntry(entry)) return `"${entry}" is not a valid CIDR (10.0.0.3/32) or range (10.0.0.3-10.0.0.5)`;
  if (entry.includes("/") && !isNetworkAligned(entry)) {
    const span = parseCIDR(entry)!;
    return `${entry} is not a network address; write ${formatIPv4(span.first)}/${span.prefix} or list the single address as ${entry.split("/")[0]}/32`;
  }
  return undefined;
}

/** Names that must be unique in a list: index -> problem for every repeat. */
export function duplicateProblems(values: readonly string[], what: string): Map<number, string> {
  const problems = new Map<number, string>();
  values.forEach((value, index) => {
    if (value !== "" && values.indexOf(value) !== index) problems.set(index, `${what} "${value}" is declared twice`);
  });
  return problems;
}

/** A reference to a declared name. */
export function referenceProblem(name: string, declared: readonly string[], what: string): string | undefined {
  return declared.includes(name) ? undefined : `names ${what} "${name}", which is not declared (${what}s: ${declared.join(", ") || "none"})`;
}

/** UTF-8 byte length without Buffer or TextEncoder (the wasm engine has neither). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** A problem inside a list of declared things: which item, which of its fields, which entry. */
export interface ItemProblem {
  index: number;
  field: string;
  entry?: number;
  message: string;
}

/** MetalLB pools: names unique, every address entry a valid CIDR or range, no two pools overlapping. */
export function poolProblems(pools: readonly { name: string; addresses: readonly string[] }[]): ItemProblem[] {
  const problems: ItemProblem[] = [];
  for (const [index, message] of duplicateProblems(pools.map((pool) => pool.name), "pool")) problems.push({ index, field: "name", message });
  pools.forEach((pool, index) =>
    pool.addresses.forEach((entry, item) => {
      const message = poolEntryProblem(entry);
      if (message) problems.push({ index, field: "addresses", entry: item, message });
    }),
  );
  return problems;
}

/**
 * L2 advertisements: names unique, every pool they name declared, every interface a name Linux
 * accepts. `poolsField` is what the caller calls the list of pool names ("pools" in
 * homelab.yaml, "ipAddressPools" in the flight's input).
 */
export function advertisementProblems(
  ads: readonly { name: string; pools?: readonly string[]; interfaces?: readonly string[] }[],
  poolNames: readonly string[],
  poolsField: string,
): ItemProblem[] {
  const problems: ItemProblem[] = [];
  for (const [index, message] of duplicateProblems(ads.map((ad) => ad.name), "L2 advertisement")) problems.push({ index, field: "name", message });
  ads.forEach((ad, index) => {
    (ad.pools ?? []).forEach((pool, entry) => {
      const message = referenceProblem(pool, poolNames, "pool");
      if (message) problems.push({ index, field: poolsField, entry, message });
    });
    (ad.interfaces ?? []).forEach((name, entry) => {
      const message = interfaceNameProblem(name);
      if (message) problems.push({ index, field: "interfaces", entry, message });
    });
  });
  return problems;
}

/**
 * A node's MAC as the network card has it: never a group address. The broadcast address and
 * every multicast one (the lowest bit of the first octet set) belong to no card, so up.mjs
 * would look for the node under an address nothing answers from.
 */
export function macProblem(mac: string): string | undefined {
  const first = Number.parseInt(mac.slice(0, 2), 16);
  const source = "copy it from the node's label, its firmware setup or talosctl get links";
  if (/^(ff:){5}ff$/i.test(mac)) return `${mac} is the broadcast address, not a network card's; ${source}`;
  if (first & 1) return `${mac} is a multicast address (the lowest bit of its first octet, ${mac.slice(0, 2)}, is set), so no network card has it; ${source}`;
  return undefined;
}

/** systemd-udevd's parse_boolean, which reads net.ifnames=: these values turn predictable names off. */
const ifnamesOff = /^net\.ifnames=(0|no|n|false|f|off)$/i;

/** Whether the kernel arguments turn predictable link names off (links are then eth0, eth1, ...). */
export function predictableNamesOff(kernelArgs: readonly string[]): string | undefined {
  return kernelArgs.find((arg) => ifnamesOff.test(arg));
}

/** systemd's predictable names: en/wl/ww, then o (onboard), s (slot), p/P (PCI path), x (MAC), v, a, i, b, c, d. */
const predictableName = /^(en|wl|ww)[opPsxvaibcd][0-9a-f]/;

/** A link named predictably while the kernel arguments make every link ethN. */
export function ifnamesProblem(name: string, kernelArg: string | undefined): string | undefined {
  if (kernelArg === undefined || !predictableName.test(name)) return undefined;
  return `${name} is a predictable link name, but cluster.extraKernelArgs has ${kernelArg}, so the link will be eth0 (eth1, ... on a machine with several); name it eth0 or drop ${kernelArg}`;
}

/**
 * Where a node answers in maintenance mode: its DHCP lease, so on the LAN, from the router's
 * range (when declared), and never its static address, which it takes only once configured.
 */
export function maintenanceAddressProblem(
  address: string,
  network: { subnet: string; dhcpRange?: { start: string; end: string } },
  nodeAddress: string,
): string | undefined {
  const value = parseIPv4(address);
  const subnet = parseCIDR(network.subnet);
  if (value === undefined || !subnet) return `${address} is not an IPv4 address`;
  if (!contains(subnet, value)) return `${address} is outside the subnet ${network.subnet}; the node boots the ISO on this LAN, so its DHCP address is inside it`;
  if (address === nodeAddress) {
    return `${address} is the node's own address, which it takes only once configured; in maintenance mode it answers on its DHCP lease (shown on its console and in the router's lease list)`;
  }
  const range = network.dhcpRange;
  if (range && !contains({ first: parseIPv4(range.start)!, last: parseIPv4(range.end)! }, value)) {
    return `${address} is outside the DHCP range ${range.start}-${range.end}; in maintenance mode the node answers on the lease the router gave it, which comes from that range`;
  }
  return undefined;
}
