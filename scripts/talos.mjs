// Glue between the zx scripts and lib/talos: the real talosctl, the real Image Factory, the
// console, and where the state folder lives (.hangar/ beside homelab.yaml).
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { importDist } from "./flights.mjs";

/** Reads and checks homelab.yaml (warnings to stderr); throws one printable message on bad input. */
export async function loadDeclaration(configPath) {
  const { parseHomelab } = await importDist("homelab/load.js");
  let text;
  try {
    text = await readFile(configPath, "utf8");
  } catch (err) {
    throw new Error(`${configPath}: cannot read the declaration (${err.code ?? err.message})`);
  }
  const { homelab, warnings } = parseHomelab(text, configPath);
  warnings.forEach((line) => console.error(line));
  return homelab;
}

export async function loadTalos() {
  const [converge, layout, talosctl, factory, files, patches, local, plan, cluster, maintenance] = await Promise.all(
    ["converge", "layout", "talosctl", "factory", "state-files", "patches", "local", "plan", "cluster", "maintenance"].map((name) =>
      importDist(`talos/${name}.js`),
    ),
  );
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
    log: (line) => console.log(line),
    registerSchematic: (yaml, id) => talos.registerSchematic(factoryUrl, yaml, id),
    scanAddresses: (addresses) => arpScan(addresses),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => Date.now(),
    // HANGAR_TALOS_POLL_MS: how often a rebooting node is polled (default 5 s).
    ...(process.env.HANGAR_TALOS_POLL_MS && { pollMs: Number(process.env.HANGAR_TALOS_POLL_MS) }),
  };
}

/** arp-scan over the DHCP range, as the doctor runs it (HANGAR_ARP_INTERFACE picks the LAN interface). */
async function arpScan(addresses) {
  const { parseArpScan, arpScanArgs } = await importDist("net/arp-scan.js");
  return new Promise((resolve) => {
    execFile("arp-scan", arpScanArgs(process.env.HANGAR_ARP_INTERFACE, addresses), { maxBuffer: 1 << 22 }, (err, stdout, stderr) => {
      if (err) {
        const why = err.code === "ENOENT" ? "arp-scan is not installed; on Debian: apt-get install arp-scan" : `arp-scan failed: ${String(stderr).trim().split("\n")[0] || err.message}; it needs root (or CAP_NET_RAW)`;
        resolve({ error: why });
      } else resolve({ answers: parseArpScan(stdout) });
    });
  });
}

/** --maintenance-address NAME=IP, repeatable (a bare IP for a one-node declaration). */
/** --maintenance-address NAME=IP (the CLI layer collects them as { NAME: IP }), checked against homelab.yaml. */
export function maintenanceAddressesFrom(talos, homelab, assigned = {}) {
  return talos.parseMaintenanceFlags(Object.entries(assigned).map(([name, address]) => `${name}=${address}`), homelab);
}

/** The Tailscale auth key, read only when a node runs the extension. */
export async function tailscaleKeyFor(talos, homelab, layout) {
  return talos.needsTailscaleKey(homelab) ? talos.readTailscaleAuthKey(process.env, layout.tailscaleAuthKey) : undefined;
}
