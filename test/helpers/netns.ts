// A small LAN made of network namespaces: a bridge in a "probe" namespace (where the doctor
// runs) and hosts attached to it by veth pairs. Nothing leaves these namespaces.
import { execFileSync, spawn } from "node:child_process";
import type { Server } from "node:net";

export interface Lan {
  probe: string;
  /** Adds a host with these addresses (and this MAC, when given); returns its MAC. */
  addHost(name: string, addresses: string[], mac?: string): string;
  removeHost(name: string): void;
  exec(host: string, command: string[]): string;
  destroy(): void;
}

/** Why namespaces cannot be made here, or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "creating network namespaces needs root";
  try {
    execFileSync("ip", ["-V"], { stdio: "ignore" });
  } catch {
    return "the ip command (iproute2) is not installed";
  }
  try {
    execFileSync("arp-scan", ["--version"], { stdio: "ignore" });
  } catch {
    return "arp-scan is not installed (scripts/setup-debian.sh installs it)";
  }
  return undefined;
}

const ip = (...args: string[]) => execFileSync("ip", args, { encoding: "utf8" });

export function createLan(prefix: string, probeAddress: string): Lan {
  const probe = `${prefix}-probe`;
  const hosts = new Set<string>();
  ip("netns", "add", probe);
  // Loopback too, for services this process serves inside the probe namespace (listenIn).
  ip("netns", "exec", probe, "ip", "link", "set", "lo", "up");
  ip("netns", "exec", probe, "ip", "link", "add", "br0", "type", "bridge");
  ip("netns", "exec", probe, "ip", "link", "set", "br0", "up");
  ip("netns", "exec", probe, "ip", "addr", "add", probeAddress, "dev", "br0");
  return {
    probe,
    addHost(name, addresses, mac) {
      const ns = `${prefix}-${name}`;
      const port = `${prefix.slice(-6)}${name}`.slice(0, 15);
      ip("netns", "add", ns);
      hosts.add(ns);
      ip("link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
      ip("link", "set", port, "netns", probe);
      ip("netns", "exec", probe, "ip", "link", "set", port, "master", "br0");
      ip("netns", "exec", probe, "ip", "link", "set", port, "up");
      if (mac) ip("netns", "exec", ns, "ip", "link", "set", "eth0", "address", mac);
      ip("netns", "exec", ns, "ip", "link", "set", "eth0", "up");
      for (const address of addresses) ip("netns", "exec", ns, "ip", "addr", "add", address, "dev", "eth0");
      return ip("netns", "exec", ns, "cat", "/sys/class/net/eth0/address").trim();
    },
    removeHost(name) {
      const ns = `${prefix}-${name}`;
      ip("netns", "del", ns);
      hosts.delete(ns);
    },
    exec(host, command) {
      return execFileSync("ip", ["netns", "exec", host === "probe" ? probe : `${prefix}-${host}`, ...command], { encoding: "utf8" });
    },
    destroy() {
      for (const ns of [...hosts, probe]) {
        try {
          ip("netns", "del", ns);
        } catch {
          // Already gone.
        }
      }
    },
  };
}

/**
 * A listening socket bound inside a namespace and handed to this process, so that servers here
 * answer there (a socket stays in the namespace it was made in): a short node process binds it
 * in the namespace and passes it over its IPC channel. Attach servers with
 * `listening.on("connection", ...)`; nothing outside the namespace can reach it.
 */
export function listenIn(namespace: string, host: string, port: number): Promise<Server> {
  const bind = `const server = require("node:net").createServer();
server.listen({ host: ${JSON.stringify(host)}, port: ${port} }, () => process.send("listening", server, () => { server.close(); process.disconnect(); }));`;
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== "NODE_OPTIONS"));
  const child = spawn("ip", ["netns", "exec", namespace, process.execPath, "-e", bind], { stdio: ["ignore", "ignore", "pipe", "ipc"], env });
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  return new Promise((resolve, reject) => {
    child.once("message", (_message, handle) => resolve(handle as Server));
    child.once("exit", (code) => reject(new Error(`cannot listen on ${host}:${port} in ${namespace} (exit ${code}): ${stderr.trim()}`)));
  });
}
