// The dry-run view of the Talos steps: every patch file and the talosctl command lines up.mjs
// runs for nodes booted from the ISO, in order, built by the same functions a real run uses.
import { basename } from "node:path";
import type { Homelab } from "../homelab/schema.ts";
import type { HomelabNode } from "../homelab/schema.ts";
import { controlPlanes, firstControlPlane, workers } from "./cluster.ts";
import { chooseContract } from "./contract.ts";
import * as talos from "./commands.ts";
import { commandLine } from "./commands.ts";
import { machineConfigFile, type StateLayout } from "./layout.ts";
import { needsTailscaleKey, renderPatch, talosPatches } from "./patches.ts";
import { installerImage, isoUrl, nodeSchematic } from "./schematic.ts";

/** Stands in for the Tailscale auth key: a dry run never reads or writes the real one. */
export const authKeyPlaceholder = "<from HANGAR_TAILSCALE_AUTHKEY or .hangar/tailscale-authkey>";

export interface TalosPlan {
  /** File name (inside the plan folder) -> content: patches and schematics. */
  files: Map<string, string>;
  /** commands.sh: the command lines with comments saying when each runs. */
  script: string;
}

/** Where the plan says a fresh node answers: its declared maintenance address, else a placeholder for the DHCP lease found by MAC. */
function maintenanceTarget(node: HomelabNode): string {
  return node.maintenanceAddress ?? `<${node.name}: DHCP address of ${node.mac ?? "its MAC"}>`;
}

/** The plan of a fresh install: the contract is the declared one, else the declared Talos minor. */
export function talosPlan(homelab: Homelab, layout: StateLayout): TalosPlan {
  const { contract } = chooseContract(homelab, undefined);
  const patches = talosPatches(homelab, { tailscaleAuthKey: authKeyPlaceholder, contract });
  const files = new Map<string, string>();
  const patchFile = (path: string, documents: (typeof patches)["common"]) => {
    if (documents.length === 0) return undefined;
    files.set(basename(path), renderPatch(documents));
    return path;
  };
  const generated = {
    common: patchFile(layout.patches.common, patches.common),
    controlPlane: patchFile(layout.patches.controlPlane, patches.controlPlane),
    worker: patchFile(layout.patches.worker, patches.worker),
  };
  for (const { node, documents } of patches.nodes) patchFile(layout.patches.node(node), documents);

  const { cluster } = homelab;
  const lines: string[] = [
    "#!/bin/sh",
    `# The talosctl commands scripts/up.mjs runs for ${cluster.name} (Talos ${cluster.talosVersion}, Kubernetes ${cluster.kubernetesVersion}),`,
    "# in order, for nodes booted from the Talos ISO (maintenance mode). A record to read, not a script to",
    `# run: up.mjs probes before each step and skips what is already done. The patch files beside this`,
    `# one are what it writes to ${layout.patches.dir}/${needsTailscaleKey(homelab) ? " (the Tailscale key is a placeholder here)" : ""}.`,
  ];
  const say = (...comments: string[]) => lines.push("", ...comments.map((comment) => `# ${comment}`));
  const run = (command: talos.TalosctlCommand) => lines.push(commandLine(command));

  say("Boot media, one per schematic (each node installs the schematic it booted):");
  const schematics = new Map(homelab.nodes.map((node) => [nodeSchematic(homelab, node).id, nodeSchematic(homelab, node)]));
  for (const [id, schematic] of schematics) {
    files.set(`schematic-${id}.yaml`, schematic.yaml);
    lines.push(`#   ${isoUrl(id, cluster.talosVersion)}`);
    lines.push(`#   installer ${installerImage(id, cluster.talosVersion)} (schematic-${id}.yaml)`);
  }

  say("Preflight: talosctl must be Talos " + cluster.talosVersion.split(".").slice(0, 2).join(".") + ".x; every node answers in maintenance mode.");
  run(talos.clientVersion());
  say("Nodes from the ISO have a DHCP lease: found by their MAC (arp-scan over network.dhcpRange) or --maintenance-address NAME=IP.");
  for (const node of homelab.nodes) run(talos.maintenanceProbe(maintenanceTarget(node)));

  say(`Only when ${layout.secrets} does not exist (it is never regenerated; back it up):`);
  run(talos.genSecrets(contract, layout));

  say(
    `Config contract ${contract}, recorded in ${layout.contract} at the first install and kept across upgrades.`,
    `Machine configs, regenerated every run; up.mjs moves controlplane.yaml, worker.yaml and (once) talosconfig`,
    `from ${layout.generating}/ to ${layout.dir}/, mode 0600.`,
  );
  run(talos.genConfig(homelab, layout, generated, contract));

  for (const node of [...controlPlanes(homelab), ...workers(homelab)]) {
    const schematic = nodeSchematic(homelab, node);
    say(
      `${node.name}: install (insecure: the node has no PKI yet), after registering schematic-${schematic.id.slice(0, 12)}… with the Image Factory;`,
      `then wait until it answers on its static address ${node.address}.`,
    );
    const file = machineConfigFile(layout, node);
    run(talos.applyConfig(layout, { file, patch: layout.patches.node(node), address: maintenanceTarget(node), insecure: true }));
    run(talos.nodeVersion(layout, node.address));
  }

  const first = firstControlPlane(homelab);
  say("Bootstrap etcd once (skipped when etcd already runs; FailedPrecondition is retried with backoff; AlreadyExists means done).");
  run(talos.etcdService(layout, first.address));
  run(talos.bootstrap(layout, first.address));
  say("Admin kubeconfig into the state folder, then wait for the cluster to be healthy.");
  run(talos.kubeconfig(layout, first.address));
  run(talos.health(homelab, layout));

  say(
    "Later runs, on installed nodes: upgrade Talos when the running version or schematic differs",
    "(one node at a time, health in between), step Kubernetes one minor at a time, and apply the",
    "regenerated config only where a dry run shows a difference:",
  );
  for (const node of homelab.nodes) {
    lines.push(`#   ${commandLine(talos.extensions(layout, node.address))}`);
    lines.push(`#   ${commandLine(talos.upgrade(layout, node.address, installerImage(nodeSchematic(homelab, node).id, cluster.talosVersion), homelab.nodes.length > 1))}`);
  }
  lines.push(`#   ${commandLine(talos.apiServerPod(layout, first.address))}`);
  lines.push("#   before any upgrade: an etcd snapshot into the state folder, and upgrade-k8s's own dry run");
  lines.push(`#   ${commandLine(talos.etcdSnapshot(layout, first.address, `${layout.snapshots}/etcd-<time>.snapshot`))}`);
  lines.push(`#   ${commandLine(talos.upgradeKubernetes(layout, first.address, cluster.kubernetesVersion, true))}`);
  lines.push(`#   ${commandLine(talos.upgradeKubernetes(layout, first.address, cluster.kubernetesVersion))}`);
  for (const node of homelab.nodes) {
    const file = machineConfigFile(layout, node);
    lines.push(`#   ${commandLine(talos.applyConfig(layout, { file, patch: layout.patches.node(node), address: node.address, dryRun: true }))}`);
  }
  return { files, script: lines.join("\n") + "\n" };
}
