// Bringing the nodes to what homelab.yaml declares, one idempotent step at a time: probe first,
// act only on a difference. Decisions are in decide.ts; this file sequences talosctl calls.
import { basename, join } from "node:path";
import { readdir, readFile } from "node:fs/promises";
import type { Homelab, HomelabNode } from "../homelab/schema.ts";
import { controlPlanes, firstControlPlane, workers } from "./cluster.ts";
import * as talos from "./commands.ts";
import { commandLine, type GeneratedPatches, type TalosctlCommand } from "./commands.ts";
import { compareMinor, minorOf, talosSupport } from "../homelab/versions.ts";
import { chooseContract, contractOf, inferContract, parseContract, type Contract } from "./contract.ts";
import { kubernetesSteps, needsTalosUpgrade, talosctlProblem } from "./decide.ts";
import { machineConfigFile, type StateLayout } from "./layout.ts";
import { dhcpRangeAddresses, locateMaintenance, needsScan, type ArpScanResult } from "./maintenance.ts";
import {
  apiServerVersion,
  appliedWithReboot,
  bootstrapNotReadyYet,
  dryRunUnchanged,
  etcdRunning,
  installedSchematic,
  isAlreadyBootstrapped,
  parseBootId,
  versionTag,
} from "./observe.ts";
import { renderPatch, talosPatches, type PatchSet } from "./patches.ts";
import { installerImage, nodeSchematic, vanillaSchematicId } from "./schematic.ts";
import { snapshotName, snapshotsToPrune } from "./snapshots.ts";
import {
  adoptPrivateFile,
  ensurePrivateDir,
  exists,
  freshPrivateDir,
  makePrivate,
  removePath,
  writePrivateFileIfChanged,
} from "./state-files.ts";
import { certificateState, clientCertificateExpiry } from "./talosconfig.ts";
import { lastLine, type Talosctl, type TalosctlResult } from "./talosctl.ts";

export interface ConvergeIO {
  talosctl: Talosctl;
  /** Progress for the operator; never receives talosctl output that could hold secrets. */
  log: (line: string) => void;
  registerSchematic: (yaml: string, id: string) => Promise<void>;
  /** arp-scan over these addresses (the DHCP range), to find maintenance nodes by MAC. */
  scanAddresses?: (addresses: string[]) => Promise<ArpScanResult>;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** Between polls of a rebooting node (default 5 s). */
  pollMs?: number;
}

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

const nodeWaitMs = 20 * 60_000;
const bootstrapWaitMs = 10 * 60_000;
const snapshotsKept = 5;

type Observed = { state: "maintenance"; address: string } | { state: "installed"; version: string };

export async function convergeTalos(
  homelab: Homelab,
  layout: StateLayout,
  io: ConvergeIO,
  options: ConvergeOptions = {},
): Promise<ConvergeResult> {
  return new Converger(homelab, layout, io).run(options);
}

class Converger {
  private readonly changes: string[] = [];
  private readonly registered = new Set<string>([vanillaSchematicId]);
  private readonly pollMs: number;

  constructor(
    private readonly homelab: Homelab,
    private readonly layout: StateLayout,
    private readonly io: ConvergeIO,
  ) {
    this.pollMs = io.pollMs ?? 5_000;
  }

  async run(options: ConvergeOptions): Promise<ConvergeResult> {
    const contract = await this.contract();
    // First, so a missing Tailscale key stops the run before any talosctl call.
    const patches = talosPatches(this.homelab, { tailscaleAuthKey: options.tailscaleAuthKey, contract: contract.contract });
    await this.checkTalosctl();
    if (await exists(this.layout.talosconfig)) await this.renewTalosconfig(contract.contract);
    const observed = await this.observe(options.maintenanceAddresses ?? new Map());
    const fresh = [...controlPlanes(this.homelab), ...workers(this.homelab)].filter((node) => observed.get(node.name)?.state === "maintenance");
    if (options.upgradeOnly && fresh.length > 0) {
      const names = fresh.map((node) => node.name).join(", ");
      throw new Error(`${names} ${fresh.length === 1 ? "is" : "are"} not installed yet; run scripts/up.mjs first`);
    }
    await this.ensureSecrets(fresh);
    if (contract.record) {
      await writePrivateFileIfChanged(this.layout.contract, `${contract.contract}\n`);
      this.io.log(`Configuration contract ${contract.contract} recorded in ${this.layout.contract}; upgrades keep it`);
    }
    await this.generateConfigs(patches, contract.contract);
    const installed = this.homelab.nodes.filter((node) => !fresh.includes(node));

    // Control planes first: workers join a control plane that is already there.
    for (const node of fresh) await this.install(node, (observed.get(node.name) as { address: string }).address);
    await this.ensureBootstrapped();
    await this.step(talos.kubeconfig(this.layout, firstControlPlane(this.homelab).address));
    await makePrivate(this.layout.kubeconfig);
    await this.health();

    const before = this.changes.length;
    const pendingTalos = await this.pendingTalosUpgrades(installed, observed);
    const kubeSteps = await this.pendingKubernetesSteps();
    if (pendingTalos.length > 0 || kubeSteps.length > 0) await this.snapshotEtcd();
    // upgrade-k8s checks the target against the running Talos, so with an OS upgrade pending
    // (say 1.13 -> 1.14 for Kubernetes 1.37) its dry run can only come after it.
    const dryRunFirst = pendingTalos.length === 0 || this.runsKubernetes(observed, kubeSteps[0]);
    if (dryRunFirst) await this.dryRunKubernetes(kubeSteps);
    await this.upgradeTalos(pendingTalos);
    if (!dryRunFirst) await this.dryRunKubernetes(kubeSteps);
    await this.upgradeKubernetes(kubeSteps);
    await this.applyChangedConfigs(installed);
    if (this.changes.length > before) await this.health();
    return { changes: this.changes };
  }

  private async checkTalosctl(): Promise<void> {
    const result = await this.step(talos.clientVersion());
    const problem = talosctlProblem(versionTag(result.stdout, "Client"), this.homelab.cluster.talosVersion);
    if (problem) throw new Error(problem);
  }

  /** The recorded contract; a state folder from before the record gets it inferred from its config. */
  private async contract(): Promise<{ contract: Contract; record: boolean }> {
    let recorded = (await exists(this.layout.contract)) ? parseContract(await readFile(this.layout.contract, "utf8")) : undefined;
    let inferred = false;
    if (!recorded && (await exists(this.layout.secrets))) {
      recorded = (await exists(this.layout.controlPlaneConfig))
        ? inferContract(await readFile(this.layout.controlPlaneConfig, "utf8"), this.homelab.cluster.talosVersion)
        : contractOf(this.homelab.cluster.talosVersion);
      inferred = true;
    }
    const choice = chooseContract(this.homelab, recorded);
    return { contract: choice.contract, record: choice.record || inferred };
  }

  /** A client certificate within 30 days of expiry is replaced from the secrets bundle; no node is touched. */
  private async renewTalosconfig(contract: Contract): Promise<void> {
    const state = certificateState(clientCertificateExpiry(await readFile(this.layout.talosconfig, "utf8")), this.io.now());
    if (state.state !== "renew") return;
    const when = state.expired ? "has expired" : `expires in ${state.days} days`;
    if (!(await exists(this.layout.secrets))) {
      throw new Error(`the client certificate in ${this.layout.talosconfig} ${when}, and ${this.layout.secrets} is missing: restore it from your backup to renew it`);
    }
    this.io.log(`The client certificate in ${this.layout.talosconfig} ${when}; renewing it from ${this.layout.secrets} (no node is touched)`);
    const staged = join(this.layout.generating, "talosconfig");
    await freshPrivateDir(this.layout.generating);
    await this.step(talos.genTalosconfig(this.homelab, this.layout, contract, staged));
    await adoptPrivateFile(staged, this.layout.talosconfig);
    await removePath(this.layout.generating);
    this.changes.push("renewed the talosconfig client certificate");
  }

  /**
   * Each node is installed (answers at its static address with the talosconfig) or in
   * maintenance mode at its DHCP address, found by MAC or given explicitly.
   */
  private async observe(explicit: Map<string, string>): Promise<Map<string, Observed>> {
    const observed = new Map<string, Observed>();
    const haveTalosconfig = await exists(this.layout.talosconfig);
    const unknown: HomelabNode[] = [];
    const apiErrors = new Map<string, string>();
    for (const node of this.homelab.nodes) {
      if (!haveTalosconfig) {
        unknown.push(node);
        continue;
      }
      const result = await this.step(talos.nodeVersion(this.layout, node.address), { allowFailure: true });
      const version = versionTag(result.stdout, "Server");
      if (result.code === 0 && version) observed.set(node.name, { state: "installed", version });
      else {
        unknown.push(node);
        apiErrors.set(node.name, lastLine(result.stderr));
      }
    }
    let scan: ArpScanResult | undefined;
    if (unknown.length > 0 && needsScan(unknown, explicit) && this.homelab.network.dhcpRange) {
      scan = this.io.scanAddresses ? await this.io.scanAddresses(dhcpRangeAddresses(this.homelab)) : { error: "no ARP scanner" };
    }
    const problems: string[] = [];
    for (const node of unknown) {
      const located = locateMaintenance(this.homelab, node, explicit, scan);
      if ("problem" in located) {
        problems.push(this.notFound(node, located.problem, apiErrors.get(node.name)));
        continue;
      }
      const result = await this.step(talos.maintenanceProbe(located.address), { allowFailure: true });
      if (result.code === 0) observed.set(node.name, { state: "maintenance", address: located.address });
      else problems.push(this.notFound(node, `it does not answer in maintenance mode at ${located.address} (${located.how}): ${lastLine(result.stderr)}`, apiErrors.get(node.name)));
    }
    if (problems.length > 0) throw new Error(problems.join("\n"));
    return observed;
  }

  private notFound(node: HomelabNode, problem: string, apiError: string | undefined): string {
    const installed = apiError === undefined ? "" : `not installed at ${node.address} (${apiError}); `;
    return `node ${node.name}: ${installed}${problem}`;
  }

  private async ensureSecrets(fresh: HomelabNode[]): Promise<void> {
    if (await exists(this.layout.secrets)) {
      await makePrivate(this.layout.secrets);
      return;
    }
    const configured = this.homelab.nodes.filter((node) => !fresh.includes(node));
    if (configured.length > 0) {
      // New secrets would be a new PKI: the installed nodes would never trust this tool again.
      const names = configured.map((node) => node.name).join(", ");
      throw new Error(
        `${names} did not answer in maintenance mode: boot unconfigured nodes from the Talos ISO. ` +
          `If this cluster was built before, restore ${this.layout.secrets} from your backup instead: hangar makes new secrets only when every node is unconfigured`,
      );
    }
    await ensurePrivateDir(this.layout.dir);
    const contract = (await this.contract()).contract;
    await this.step(talos.genSecrets(contract, this.layout));
    await makePrivate(this.layout.secrets);
    this.io.log(
      `Back up ${this.layout.secrets} now (password manager or encrypted drive): it holds the cluster's CA keys, ` +
        "and without it this cluster can never be managed or rebuilt. hangar generated it once and will not say this again.",
    );
  }

  private async generateConfigs(patches: PatchSet, contract: Contract): Promise<void> {
    const paths = await this.writePatches(patches);
    await freshPrivateDir(this.layout.generating);
    await this.step(talos.genConfig(this.homelab, this.layout, paths, contract));
    const generated = (name: string) => join(this.layout.generating, name);
    await adoptPrivateFile(generated("controlplane.yaml"), this.layout.controlPlaneConfig);
    await adoptPrivateFile(generated("worker.yaml"), this.layout.workerConfig);
    // A new talosconfig would only churn its client certificate; the existing one stays valid.
    if (!(await exists(this.layout.talosconfig))) await adoptPrivateFile(generated("talosconfig"), this.layout.talosconfig);
    await removePath(this.layout.generating);
  }

  private async writePatches(patches: PatchSet): Promise<GeneratedPatches> {
    const files = new Map<string, string>();
    const add = (path: string, documents: PatchSet["common"]) => {
      if (documents.length === 0) return undefined;
      files.set(path, renderPatch(documents));
      return path;
    };
    const paths: GeneratedPatches = {
      common: add(this.layout.patches.common, patches.common),
      controlPlane: add(this.layout.patches.controlPlane, patches.controlPlane),
      worker: add(this.layout.patches.worker, patches.worker),
    };
    for (const { node, documents } of patches.nodes) add(this.layout.patches.node(node), documents);
    const dir = this.layout.patches.dir;
    await ensurePrivateDir(dir);
    const wanted = new Set([...files.keys()].map((path) => basename(path)));
    for (const name of await readdir(dir)) if (!wanted.has(name)) await removePath(join(dir, name));
    for (const [path, text] of files) await writePrivateFileIfChanged(path, text);
    return paths;
  }

  private async install(node: HomelabNode, address: string): Promise<void> {
    const schematic = nodeSchematic(this.homelab, node);
    await this.register(schematic.yaml, schematic.id);
    this.io.log(`Installing Talos ${this.homelab.cluster.talosVersion} on ${node.name} (${node.installDisk}), found in maintenance mode at ${address}`);
    await this.step(
      talos.applyConfig(this.layout, { file: machineConfigFile(this.layout, node), patch: this.layout.patches.node(node), address, insecure: true }),
    );
    this.changes.push(`installed ${node.name}`);
    // The installed system answers with client certificates only, at its static address, after the install reboot.
    await this.waitForNode(node, this.homelab.cluster.talosVersion, undefined, "the install");
  }

  private async register(yaml: string, id: string): Promise<void> {
    if (this.registered.has(id)) return;
    this.io.log(`Registering schematic ${id} with the Image Factory`);
    await this.io.registerSchematic(yaml, id);
    this.registered.add(id);
  }

  private async bootIdOf(node: HomelabNode): Promise<string | undefined> {
    const result = await this.step(talos.bootId(this.layout, node.address), { allowFailure: true });
    return result.code === 0 ? parseBootId(result.stdout) : undefined;
  }

  /**
   * Polls until the node answers at its static address with the expected Talos version and, when
   * `previousBoot` is given, with another boot ID: it went away and came back. The version alone
   * answers before the reboot an apply or upgrade triggers.
   */
  private async waitForNode(node: HomelabNode, version: string, previousBoot: string | undefined, after: string): Promise<void> {
    this.io.log(`Waiting for ${node.name} to ${previousBoot ? "reboot and " : ""}answer at ${node.address} with Talos ${version}`);
    const deadline = this.io.now() + nodeWaitMs;
    for (;;) {
      const result = await this.io.talosctl(talos.nodeVersion(this.layout, node.address));
      const running = versionTag(result.stdout, "Server");
      let last = result.code === 0 ? `it runs ${running}` : lastLine(result.stderr);
      if (result.code === 0 && running === version) {
        if (!previousBoot) return;
        const boot = await this.bootIdOf(node);
        if (boot && boot !== previousBoot) return;
        last = "it has not rebooted yet (same boot ID)";
      }
      if (this.io.now() >= deadline) {
        throw new Error(
          `${node.name} did not come back at ${node.address} with Talos ${version} within ${nodeWaitMs / 60_000} minutes after ${after} (${last}); check its console`,
        );
      }
      await this.io.sleep(this.pollMs);
    }
  }

  /** etcd runs once bootstrapped; a fresh node refuses bootstrap with FailedPrecondition for a while, so that is retried. */
  private async ensureBootstrapped(): Promise<void> {
    for (const node of controlPlanes(this.homelab)) {
      const result = await this.step(talos.etcdService(this.layout, node.address), { allowFailure: true });
      if (result.code === 0 && etcdRunning(result.stdout)) return;
    }
    const first = firstControlPlane(this.homelab);
    const deadline = this.io.now() + bootstrapWaitMs;
    for (let attempt = 0; ; attempt++) {
      const result = await this.step(talos.bootstrap(this.layout, first.address), { allowFailure: true });
      if (result.code === 0) {
        this.changes.push(`bootstrapped etcd on ${first.name}`);
        return;
      }
      if (isAlreadyBootstrapped(result.stderr)) {
        this.io.log(`etcd on ${first.name} is already bootstrapped`);
        return;
      }
      if (!bootstrapNotReadyYet(result.stderr)) throw new Error(`talosctl bootstrap failed: ${lastLine(result.stderr)}`);
      if (this.io.now() >= deadline) {
        throw new Error(`${first.name} still refuses bootstrap after ${bootstrapWaitMs / 60_000} minutes: ${lastLine(result.stderr)}; check its time sync and console`);
      }
      const wait = Math.min(this.pollMs * 2 ** attempt, 30_000);
      this.io.log(`${first.name} is not ready for bootstrap yet (${lastLine(result.stderr)}); retrying in ${wait >= 1000 ? `${Math.round(wait / 1000)} s` : `${wait} ms`}`);
      await this.io.sleep(wait);
    }
  }

  private async health(): Promise<void> {
    await this.step(talos.health(this.homelab, this.layout), { stream: true });
  }

  /** Every node is checked before any is touched, so an unsupported step stops the run cleanly. */
  private async pendingTalosUpgrades(nodes: HomelabNode[], observed: Map<string, Observed>): Promise<HomelabNode[]> {
    const desiredVersion = this.homelab.cluster.talosVersion;
    const pending: HomelabNode[] = [];
    for (const node of nodes) {
      const state = observed.get(node.name);
      if (state?.state !== "installed") continue;
      const result = await this.step(talos.extensions(this.layout, node.address));
      const running = { version: state.version, schematic: installedSchematic(result.stdout) };
      if (needsTalosUpgrade(node.name, running, { version: desiredVersion, schematic: nodeSchematic(this.homelab, node).id })) pending.push(node);
    }
    return pending;
  }

  private async pendingKubernetesSteps(): Promise<string[]> {
    const first = firstControlPlane(this.homelab);
    const result = await this.step(talos.apiServerPod(this.layout, first.address));
    const running = apiServerVersion(result.stdout);
    if (!running) throw new Error(`cannot read the running Kubernetes version from ${first.name}'s kube-apiserver static pod`);
    return kubernetesSteps(running, this.homelab.cluster.kubernetesVersion);
  }

  /** True when the Talos running on the first control plane supports Kubernetes `target` (or there is none). */
  private runsKubernetes(observed: Map<string, Observed>, target: string | undefined): boolean {
    const state = observed.get(firstControlPlane(this.homelab).name);
    if (!target || state?.state !== "installed") return true;
    const support = talosSupport(state.version);
    const minor = minorOf(target);
    return support !== undefined && compareMinor(minor, support.oldest) >= 0 && compareMinor(minor, support.newest) <= 0;
  }

  /** Upgrades are recoverable: an etcd snapshot before the first change (the newest five kept). */
  private async snapshotEtcd(): Promise<void> {
    const first = firstControlPlane(this.homelab);
    await ensurePrivateDir(this.layout.snapshots);
    const path = join(this.layout.snapshots, snapshotName(this.io.now()));
    await this.step(talos.etcdSnapshot(this.layout, first.address, path));
    await makePrivate(path);
    this.io.log(`etcd snapshot saved to ${path} (restore: see the README, "Restoring after a failed upgrade")`);
    for (const old of snapshotsToPrune(await readdir(this.layout.snapshots), snapshotsKept)) await removePath(join(this.layout.snapshots, old));
  }

  /** upgrade-k8s's own dry run: its findings (e.g. APIs the target release removed) stop the run before Kubernetes changes. */
  private async dryRunKubernetes(kubeSteps: string[]): Promise<void> {
    if (kubeSteps.length === 0) return;
    const first = firstControlPlane(this.homelab);
    const dryRun = await this.step(talos.upgradeKubernetes(this.layout, first.address, kubeSteps[0]!, true), { allowFailure: true });
    if (dryRun.code !== 0) {
      throw new Error(`talosctl upgrade-k8s --dry-run to ${kubeSteps[0]} found problems; nothing was changed:\n${(dryRun.stderr.trim() || dryRun.stdout.trim())}`);
    }
  }

  private async upgradeTalos(pending: HomelabNode[]): Promise<void> {
    const desiredVersion = this.homelab.cluster.talosVersion;
    for (const node of pending) {
      const schematic = nodeSchematic(this.homelab, node);
      await this.register(schematic.yaml, schematic.id);
      this.io.log(`Upgrading ${node.name} to Talos ${desiredVersion} (schematic ${schematic.id})`);
      const image = installerImage(schematic.id, desiredVersion);
      const boot = await this.bootIdOf(node);
      // Draining a lone node only evicts pods that have nowhere to go.
      await this.step(talos.upgrade(this.layout, node.address, image, this.homelab.nodes.length > 1), { stream: true });
      await this.waitForNode(node, desiredVersion, boot, "the upgrade");
      const after = installedSchematic((await this.step(talos.extensions(this.layout, node.address))).stdout);
      if (after !== schematic.id) throw new Error(`${node.name} came back with schematic ${after} instead of ${schematic.id}`);
      this.changes.push(`upgraded ${node.name} to Talos ${desiredVersion}`);
      await this.health();
    }
  }

  private async upgradeKubernetes(steps: string[]): Promise<void> {
    const first = firstControlPlane(this.homelab);
    for (const to of steps) {
      this.io.log(`Upgrading Kubernetes to ${to}`);
      await this.step(talos.upgradeKubernetes(this.layout, first.address, to), { stream: true });
      this.changes.push(`upgraded Kubernetes to ${to}`);
    }
  }

  /** Installed nodes get the regenerated config only when talosctl's dry run reports a difference. */
  private async applyChangedConfigs(nodes: HomelabNode[]): Promise<void> {
    for (const node of nodes) {
      const options = { file: machineConfigFile(this.layout, node), patch: this.layout.patches.node(node), address: node.address };
      const dryRun = await this.step(talos.applyConfig(this.layout, { ...options, dryRun: true }));
      if (dryRunUnchanged(dryRun.stderr)) continue;
      this.io.log(`${node.name}'s configuration differs from homelab.yaml; applying it`);
      const boot = await this.bootIdOf(node);
      const applied = await this.step(talos.applyConfig(this.layout, options));
      this.changes.push(`applied the changed configuration to ${node.name}`);
      const rebooting = appliedWithReboot(applied.stdout + applied.stderr);
      await this.waitForNode(node, this.homelab.cluster.talosVersion, rebooting ? boot : undefined, "the configuration change");
    }
  }

  /** Runs one talosctl command, logging its line; a failure stops the run with talosctl's message. */
  private async step(
    command: TalosctlCommand,
    options: { allowFailure?: boolean; stream?: boolean } = {},
  ): Promise<TalosctlResult> {
    this.io.log(`$ ${commandLine(command)}`);
    const result = await this.io.talosctl(command, options.stream ? { stream: (line) => this.io.log(`  ${line}`) } : {});
    if (result.code !== 0 && !options.allowFailure) {
      throw new Error(`talosctl ${command.argv.slice(0, 2).join(" ")} failed: ${lastLine(result.stderr) || `exit ${result.code}`}`);
    }
    return result;
  }
}
