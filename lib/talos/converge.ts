// Bringing the nodes to what homelab.yaml declares, one idempotent step at a time: probe first,
// act only on a difference. Decisions are in decide.ts; this file sequences the run: the state
// folder (state-folder.ts), finding and installing nodes, bootstrap, then what changes on
// installed nodes (upgrades.ts).
import type { Homelab, HomelabNode } from "../homelab/schema.ts";
import { controlPlanes, firstControlPlane, workers } from "./cluster.ts";
import * as talos from "./commands.ts";
import { talosctlProblem } from "./decide.ts";
import { machineConfigFile, type StateLayout } from "./layout.ts";
import { dhcpRangeAddresses, locateMaintenance, needsScan, type ArpScanResult } from "./maintenance.ts";
import { bootstrapNotReadyYet, etcdRunning, isAlreadyBootstrapped, versionTag } from "./observe.ts";
import { talosPatches } from "./patches.ts";
import { nodeSchematic } from "./schematic.ts";
import { TalosSession, type ConvergeIO, type Observed } from "./session.ts";
import { ensureSecrets, generateConfigs, renewTalosconfig, stateContract } from "./state-folder.ts";
import { exists, makePrivate, writePrivateFileIfChanged } from "./state-files.ts";
import { lastLine } from "./talosctl.ts";
import * as upgrades from "./upgrades.ts";

export interface ConvergeOptions {
  tailscaleAuthKey?: string;
  /** scripts/upgrade.mjs: every node must already be installed. */
  upgradeOnly?: boolean;
  /** --maintenance-address NAME=IP: where a node booted from the ISO answers. */
  maintenanceAddresses?: Map<string, string>;
}

export interface ConvergeResult {
  /** What changed on the nodes; empty when the cluster was already as declared. */
  changes: string[];
}

const bootstrapWaitMs = 10 * 60_000;

export async function convergeTalos(
  homelab: Homelab,
  layout: StateLayout,
  io: ConvergeIO,
  options: ConvergeOptions = {},
): Promise<ConvergeResult> {
  const session = new TalosSession(homelab, layout, io);
  const contract = await stateContract(session);
  // First, so a missing Tailscale key stops the run before any talosctl call.
  const patches = talosPatches(homelab, { tailscaleAuthKey: options.tailscaleAuthKey, contract: contract.contract });
  await checkTalosctl(session);
  if (await exists(layout.talosconfig)) await renewTalosconfig(session, contract.contract);
  const observed = await observe(session, options.maintenanceAddresses ?? new Map());
  const fresh = [...controlPlanes(homelab), ...workers(homelab)].filter((node) => observed.get(node.name)?.state === "maintenance");
  if (options.upgradeOnly && fresh.length > 0) {
    const names = fresh.map((node) => node.name).join(", ");
    throw new Error(`${names} ${fresh.length === 1 ? "is" : "are"} not installed yet; run scripts/up.mjs first`);
  }
  await ensureSecrets(session, fresh, contract.contract);
  if (contract.record) {
    await writePrivateFileIfChanged(layout.contract, `${contract.contract}\n`);
    io.log(`Configuration contract ${contract.contract} recorded in ${layout.contract}; upgrades keep it`);
  }
  await generateConfigs(session, patches, contract.contract);
  const installed = homelab.nodes.filter((node) => !fresh.includes(node));

  // Control planes first: workers join a control plane that is already there.
  for (const node of fresh) await install(session, node, (observed.get(node.name) as { address: string }).address);
  await ensureBootstrapped(session);
  await session.step(talos.kubeconfig(layout, firstControlPlane(homelab).address));
  await makePrivate(layout.kubeconfig);
  await session.health();

  const before = session.changes.length;
  const pendingTalos = await upgrades.pendingTalosUpgrades(session, installed, observed);
  const kubeSteps = await upgrades.pendingKubernetesSteps(session);
  if (pendingTalos.length > 0 || kubeSteps.length > 0) await upgrades.snapshotEtcd(session);
  // upgrade-k8s checks the target against the running Talos, so with an OS upgrade pending
  // (say 1.13 -> 1.14 for Kubernetes 1.37) its dry run can only come after it.
  const dryRunFirst = pendingTalos.length === 0 || upgrades.runsKubernetes(homelab, observed, kubeSteps[0]);
  if (dryRunFirst) await upgrades.dryRunKubernetes(session, kubeSteps);
  await upgrades.upgradeTalos(session, pendingTalos);
  if (!dryRunFirst) await upgrades.dryRunKubernetes(session, kubeSteps);
  await upgrades.upgradeKubernetes(session, kubeSteps);
  await upgrades.applyChangedConfigs(session, installed);
  if (session.changes.length > before) await session.health();
  return { changes: session.changes };
}

async function checkTalosctl(session: TalosSession): Promise<void> {
  const result = await session.step(talos.clientVersion());
  const problem = talosctlProblem(versionTag(result.stdout, "Client"), session.homelab.cluster.talosVersion);
  if (problem) throw new Error(problem);
}

/**
 * Each node is installed (answers at its static address with the talosconfig) or in
 * maintenance mode at its DHCP address, found by MAC or given explicitly.
 */
async function observe(session: TalosSession, explicit: Map<string, string>): Promise<Map<string, Observed>> {
  const { homelab, layout, io } = session;
  const observed = new Map<string, Observed>();
  const haveTalosconfig = await exists(layout.talosconfig);
  const unknown: HomelabNode[] = [];
  const apiErrors = new Map<string, string>();
  for (const node of homelab.nodes) {
    if (!haveTalosconfig) {
      unknown.push(node);
      continue;
    }
    const result = await session.step(talos.nodeVersion(layout, node.address), { allowFailure: true });
    const version = versionTag(result.stdout, "Server");
    if (result.code === 0 && version) observed.set(node.name, { state: "installed", version });
    else {
      unknown.push(node);
      apiErrors.set(node.name, lastLine(result.stderr));
    }
  }
  let scan: ArpScanResult | undefined;
  if (unknown.length > 0 && needsScan(unknown, explicit) && homelab.network.dhcpRange) {
    scan = io.scanAddresses ? await io.scanAddresses(dhcpRangeAddresses(homelab)) : { error: "no ARP scanner" };
  }
  const problems: string[] = [];
  for (const node of unknown) {
    const located = locateMaintenance(homelab, node, explicit, scan);
    if ("problem" in located) {
      problems.push(notFound(node, located.problem, apiErrors.get(node.name)));
      continue;
    }
    const result = await session.step(talos.maintenanceProbe(located.address), { allowFailure: true });
    if (result.code === 0) observed.set(node.name, { state: "maintenance", address: located.address });
    else problems.push(notFound(node, `it does not answer in maintenance mode at ${located.address} (${located.how}): ${lastLine(result.stderr)}`, apiErrors.get(node.name)));
  }
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return observed;
}

function notFound(node: HomelabNode, problem: string, apiError: string | undefined): string {
  const installed = apiError === undefined ? "" : `not installed at ${node.address} (${apiError}); `;
  return `node ${node.name}: ${installed}${problem}`;
}

async function install(session: TalosSession, node: HomelabNode, address: string): Promise<void> {
  const { homelab, layout } = session;
  const schematic = nodeSchematic(homelab, node);
  await session.register(schematic.yaml, schematic.id);
  session.io.log(`Installing Talos ${homelab.cluster.talosVersion} on ${node.name} (${node.installDisk}), found in maintenance mode at ${address}`);
  await session.step(talos.applyConfig(layout, { file: machineConfigFile(layout, node), patch: layout.patches.node(node), address, insecure: true }));
  session.changes.push(`installed ${node.name}`);
  // The installed system answers with client certificates only, at its static address, after the install reboot.
  await session.waitForNode(node, homelab.cluster.talosVersion, undefined, "the install");
}

/** etcd runs once bootstrapped; a fresh node refuses bootstrap with FailedPrecondition for a while, so that is retried. */
async function ensureBootstrapped(session: TalosSession): Promise<void> {
  const { homelab, layout, io } = session;
  for (const node of controlPlanes(homelab)) {
    const result = await session.step(talos.etcdService(layout, node.address), { allowFailure: true });
    if (result.code === 0 && etcdRunning(result.stdout)) return;
  }
  const first = firstControlPlane(homelab);
  const deadline = io.now() + bootstrapWaitMs;
  for (let attempt = 0; ; attempt++) {
    const result = await session.step(talos.bootstrap(layout, first.address), { allowFailure: true });
    if (result.code === 0) {
      session.changes.push(`bootstrapped etcd on ${first.name}`);
      return;
    }
    if (isAlreadyBootstrapped(result.stderr)) {
      io.log(`etcd on ${first.name} is already bootstrapped`);
      return;
    }
    if (!bootstrapNotReadyYet(result.stderr)) throw new Error(`talosctl bootstrap failed: ${lastLine(result.stderr)}`);
    if (io.now() >= deadline) {
      throw new Error(`${first.name} still refuses bootstrap after ${bootstrapWaitMs / 60_000} minutes: ${lastLine(result.stderr)}; check its time sync and console`);
    }
    const wait = Math.min(session.pollMs * 2 ** attempt, 30_000);
    io.log(`${first.name} is not ready for bootstrap yet (${lastLine(result.stderr)}); retrying in ${wait >= 1000 ? `${Math.round(wait / 1000)} s` : `${wait} ms`}`);
    await io.sleep(wait);
  }
}
