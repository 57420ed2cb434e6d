// The LAN of a test node, made of network namespaces only: a bridge in a namespace of its own,
// and machines (the node, a peer, any other) plugged into it by veth pairs that are created
// inside those namespaces, so nothing ever appears in the host's network namespace and no packet
// has a way out.
import { execFileSync } from "node:child_process";

const ip = (...args: string[]) => execFileSync("ip", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

export function addNamespace(name: string): void {
  ip("netns", "add", name);
  ip("-n", name, "link", "set", "lo", "up");
}

export function removeNamespace(name: string): void {
  try {
    ip("netns", "del", name);
  } catch (error) {
    if (!String((error as { stderr?: string }).stderr).includes("No such file")) throw error;
  }
}

export function addBridge(lan: string): void {
  ip("-n", lan, "link", "add", "br0", "type", "bridge");
  ip("-n", lan, "link", "set", "br0", "up");
}

export interface Plug {
  /** The bridge port's name inside the LAN namespace (at most 15 characters). */
  port: string;
  /** The link's name inside the machine's namespace. */
  link: string;
  /** Addresses with their prefix, e.g. 10.0.0.2/24. */
  addresses: string[];
  mac?: string;
  gateway?: string;
}

/** Plugs a machine's namespace into the LAN; returns the MAC its link answers with. */
export function plug(lan: string, machine: string, { port, link, addresses, mac, gateway }: Plug): string {
  ip("-n", lan, "link", "add", port, "type", "veth", "peer", "name", link, "netns", machine);
  ip("-n", lan, "link", "set", port, "master", "br0");
  ip("-n", lan, "link", "set", port, "up");
  if (mac) ip("-n", machine, "link", "set", link, "address", mac);
  ip("-n", machine, "link", "set", link, "up");
  for (const address of addresses) ip("-n", machine, "addr", "add", address, "dev", link);
  if (gateway) ip("-n", machine, "route", "add", "default", "via", gateway);
  return ip("-n", machine, "-o", "link", "show", link).match(/link\/ether ([0-9a-f:]{17})/)![1]!;
}
