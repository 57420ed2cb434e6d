// Glue between the commands and lib/talos: the real talosctl, the real Image Factory, the
// console, and where the state folder lives (.hangar/ beside homelab.yaml).
import { execFile } from "node:child_process";
import path from "node:path";
import * as converge from "../../lib/talos/converge.ts";
import * as layout from "../../lib/talos/layout.ts";
import * as talosctl from "../../lib/talos/talosctl.ts";
import * as factory from "../../lib/talos/factory.ts";
import * as files from "../../lib/talos/state-files.ts";
import * as patches from "../../lib/talos/patches.ts";
import * as local from "../../lib/talos/local.ts";
import * as plan from "../../lib/talos/plan.ts";
import * as cluster from "../../lib/talos/cluster.ts";
import * as maintenance from "../../lib/talos/maintenance.ts";
import { arpScanArgs, parseArpScan } from "../../lib/net/arp-scan.ts";
import { print } from "./console.mjs";

export function loadTalos() {
  return { ...converge, ...layout, ...talosctl, ...factory, ...files, ...patches, ...local, ...plan, ...cluster, ...maintenance };
}

export function stateDirFor(configPath) {
  return path.join(path.dirname(configPath), ".hangar");
}

/** What lib/talos needs from the outside world; progress goes to stdout. */
export function consoleIO(talos) {
  const factoryUrl = process.env.HANGAR_IMAGE_FACTORY_URL ?? talos.defaultFactoryUrl;
  return {
    talosctl: talos.runTalosctl,
    log: (line) => print(line),
    registerSchematic: (yaml, id) => talos.registerSchematic(factoryUrl, yaml, id),
    scanAddresses: (addresses) => arpScan(addresses),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => Date.now(),
    // HANGAR_TALOS_POLL_MS: how often a rebooting node is polled (default 5 s).
    ...(process.env.HANGAR_TALOS_POLL_MS && { pollMs: Number(process.env.HANGAR_TALOS_POLL_MS) }),
  };
}

/** arp-scan over the DHCP range, as the doctor runs it (HANGAR_ARP_INTERFACE picks the LAN interface). */
function arpScan(addresses) {
  return new Promise((resolve) => {
    execFile("arp-scan", arpScanArgs(process.env.HANGAR_ARP_INTERFACE, addresses), { maxBuffer: 1 << 22 }, (err, stdout, stderr) => {
      if (err) {
        const why = err.code === "ENOENT" ? "arp-scan is not installed; on Debian: apt-get install arp-scan" : `arp-scan failed: ${String(stderr).trim().split("\n")[0] || err.message}; it needs root (or CAP_NET_RAW)`;
        resolve({ error: why });
      } else resolve({ answers: parseArpScan(stdout) });
    });
  });
}

/** --maintenance-address NAME=IP (the CLI layer collects them as { NAME: IP }), checked against homelab.yaml. */
export function maintenanceAddressesFrom(talos, homelab, assigned = {}) {
  return talos.parseMaintenanceFlags(Object.entries(assigned).map(([name, address]) => `${name}=${address}`), homelab);
}

/** The Tailscale auth key, read only when a node runs the extension. */
export async function tailscaleKeyFor(talos, homelab, layout) {
  return talos.needsTailscaleKey(homelab) ? talos.readTailscaleAuthKey(process.env, layout.tailscaleAuthKey) : undefined;
}
