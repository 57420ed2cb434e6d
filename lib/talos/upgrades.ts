// Changes to nodes that are already installed: Talos upgrades (a new version or schematic),
// Kubernetes upgrades one minor at a time after talosctl's own dry run, both behind an etcd
// snapshot, and machine configurations that differ from what homelab.yaml now generates.
import { join } from "node:path";
import { readdir } from "node:fs/promises";
import type { Homelab, HomelabNode } from "../homelab/schema.ts";
import { firstControlPlane } from "./cluster.ts";
import * as talos from "./commands.ts";
import { compareMinor, minorOf, talosSupport } from "../homelab/versions.ts";
import { kubernetesSteps, needsTalosUpgrade } from "./decide.ts";
import { machineConfigFile } from "./layout.ts";
import { apiServerVersion, appliedWithReboot, dryRunUnchanged, installedSchematic } from "./observe.ts";
import { installerImage, nodeSchematic } from "./schematic.ts";
import type { Observed, TalosSession } from "./session.ts";
import { snapshotName, snapshotsToPrune } from "./snapshots.ts";
import { ensurePrivateDir, makePrivate, removePath } from "./state-files.ts";

const snapshotsKept = 5;

/** Every node is checked before any is touched, so an unsupported step stops the run cleanly. */
export async function pendingTalosUpgrades(session: TalosSession, nodes: HomelabNode[], observed: Map<string, Observed>): Promise<HomelabNode[]> {
  const { homelab, layout } = session;
  const pending: HomelabNode[] = [];
  for (const node of nodes) {
    const state = observed.get(node.name);
    if (state?.state !== "installed") continue;
    const result = await session.step(talos.extensions(layout, node.address));
    const running = { version: state.version, schematic: installedSchematic(result.stdout) };
    if (needsTalosUpgrade(node.name, running, { version: homelab.cluster.talosVersion, schematic: nodeSchematic(homelab, node).id })) pending.push(node);
  }
  return pending;
}

export async function pendingKubernetesSteps(session: TalosSession): Promise<string[]> {
  const first = firstControlPlane(session.homelab);
  const result = await session.step(talos.apiServerPod(session.layout, first.address));
  const running = apiServerVersion(result.stdout);
  if (!running) throw new Error(`cannot read the running Kubernetes version from ${first.name}'s kube-apiserver static pod`);
  return kubernetesSteps(running, session.homelab.cluster.kubernetesVersion);
}

/** True when the Talos running on the first control plane supports Kubernetes `target` (or there is none). */
export function runsKubernetes(homelab: Homelab, observed: Map<string, Observed>, target: string | undefined): boolean {
  const state = observed.get(firstControlPlane(homelab).name);
  if (!target || state?.state !== "installed") return true;
  const support = talosSupport(state.version);
  const minor = minorOf(target);
  return support !== undefined && compareMinor(minor, support.oldest) >= 0 && compareMinor(minor, support.newest) <= 0;
}

/** Upgrades are recoverable: an etcd snapshot before the first change (the newest five kept). */
export async function snapshotEtcd(session: TalosSession): Promise<void> {
  const { layout, io } = session;
  const first = firstControlPlane(session.homelab);
  await ensurePrivateDir(layout.snapshots);
  const path = join(layout.snapshots, snapshotName(io.now()));
  await session.step(talos.etcdSnapshot(layout, first.address, path));
  await makePrivate(path);
  io.log(`etcd snapshot saved to ${path} (restore: see the README, "Restoring after a failed upgrade")`);
  for (const old of snapshotsToPrune(await readdir(layout.snapshots), snapshotsKept)) await removePath(join(layout.snapshots, old));
}

/** upgrade-k8s's own dry run: its findings (e.g. APIs the target release removed) stop the run before Kubernetes changes. */
export async function dryRunKubernetes(session: TalosSession, kubeSteps: string[]): Promise<void> {
  if (kubeSteps.length === 0) return;
  const first = firstControlPlane(session.homelab);
  const dryRun = await session.step(talos.upgradeKubernetes(session.layout, first.address, kubeSteps[0]!, true), { allowFailure: true });
  if (dryRun.code !== 0) {
    throw new Error(`talosctl upgrade-k8s --dry-run to ${kubeSteps[0]} found problems; nothing was changed:\n${(dryRun.stderr.trim() || dryRun.stdout.trim())}`);
  }
}

export async function upgradeTalos(session: TalosSession, pending: HomelabNode[]): Promise<void> {
  const { homelab, layout, io } = session;
  const desiredVersion = homelab.cluster.talosVersion;
  for (const node of pending) {
    const schematic = nodeSchematic(homelab, node);
    await session.register(schematic.yaml, schematic.id);
    io.log(`Upgrading ${node.name} to Talos ${desiredVersion} (schematic ${schematic.id})`);
    const image = installerImage(schematic.id, desiredVersion);
    const boot = await session.bootIdOf(node);
    // Draining a lone node only evicts pods that have nowhere to go.
    await session.step(talos.upgrade(layout, node.address, image, homelab.nodes.length > 1), { stream: true });
    await session.waitForNode(node, desiredVersion, boot, "the upgrade");
    const after = installedSchematic((await session.step(talos.extensions(layout, node.address))).stdout);
    if (after !== schematic.id) throw new Error(`${node.name} came back with schematic ${after} instead of ${schematic.id}`);
    session.changes.push(`upgraded ${node.name} to Talos ${desiredVersion}`);
    await session.health();
  }
}

export async function upgradeKubernetes(session: TalosSession, steps: string[]): Promise<void> {
  const first = firstControlPlane(session.homelab);
  for (const to of steps) {
    session.io.log(`Upgrading Kubernetes to ${to}`);
    await session.step(talos.upgradeKubernetes(session.layout, first.address, to), { stream: true });
    session.changes.push(`upgraded Kubernetes to ${to}`);
  }
}

/** Installed nodes get the regenerated config only when talosctl's dry run reports a difference. */
export async function applyChangedConfigs(session: TalosSession, nodes: HomelabNode[]): Promise<void> {
  const { layout, io } = session;
  for (const node of nodes) {
    const options = { file: machineConfigFile(layout, node), patch: layout.patches.node(node), address: node.address };
    const dryRun = await session.step(talos.applyConfig(layout, { ...options, dryRun: true }));
    if (dryRunUnchanged(dryRun.stderr)) continue;
    io.log(`${node.name}'s configuration differs from homelab.yaml; applying it`);
    const boot = await session.bootIdOf(node);
    const applied = await session.step(talos.applyConfig(layout, options));
    session.changes.push(`applied the changed configuration to ${node.name}`);
    const rebooting = appliedWithReboot(applied.stdout + applied.stderr);
    await session.waitForNode(node, session.homelab.cluster.talosVersion, rebooting ? boot : undefined, "the configuration change");
  }
}
