// Bringing the nodes to what homelab.yaml declares, one idempotent step at a time: probe first,
// act only on a difference. Decisions are in decide.ts; this file sequences talosctl calls.
import { basename, join } from "node:path";
import { readdir } from "node:fs/promises";
import type { Homelab, HomelabNode } from "../homelab/schema.ts";
import { controlPlanes, firstControlPlane, maintenanceAddress, workers } from "./cluster.ts";
import * as talos from "./commands.ts";
import { commandLine, type GeneratedPatches, type TalosctlCommand } from "./commands.ts";
import { kubernetesSteps, needsTalosUpgrade, talosctlProblem } from "./decide.ts";
import { machineConfigFile, type StateLayout } from "./layout.ts";
import { apiServerVersion, dryRunUnchanged, etcdRunning, installedSchematic, isAlreadyBootstrapped, versionTag } from "./observe.ts";
import { renderPatch, talosPatches, type PatchSet } from "./patches.ts";
import { installerImage, nodeSchematic, vanillaSchematicId } from "./schematic.ts";
import {
  adoptPrivateFile,
  ensurePrivateDir,
  exists,
  freshPrivateDir,
  makePrivate,
  removePath,
  writePrivateFileIfChanged,
} from "./state-files.ts";
import { lastLine, type Talosctl, type TalosctlResult } from "./talosctl.ts";

export interface ConvergeIO {
  talosctl: Talosctl;
  /** Progress for the operator; never receives talosctl output that could hold secrets. */
  log: (line: string) => void;
  registerSchematic: (yaml: string, id: string) => Promise<void>;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export interface ConvergeOptions {
  tailscaleAuthKey?: string;
  /** scripts/upgrade.mjs: every node must already be installed. */
  upgradeOnly?: boolean;
}

export interface ConvergeResult {
  /** What changed on the nodes; empty when the cluster was already as declared. */
  changes: string[];
}

const nodeWaitMs = 20 * 60_000;
const pollMs = 5_000;

type Observed = { state: "maintenance" } | { state: "installed"; version: string };

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

  constructor(
    private readonly homelab: Homelab,
    private readonly layout: StateLayout,
    private readonly io: ConvergeIO,
  ) {}

  async run(options: ConvergeOptions): Promise<ConvergeResult> {
    // First, so a missing Tailscale key stops the run before anything is written.
    const patches = talosPatches(this.homelab, { tailscaleAuthKey: options.tailscaleAuthKey });
    await this.checkTalosctl();
    const inMaintenance = await this.probeMaintenance();
    if (options.upgradeOnly && inMaintenance.size > 0) {
      const names = [...inMaintenance].join(", ");
      throw new Error(`${names} ${inMaintenance.size === 1 ? "is" : "are"} not installed yet; run scripts/up.mjs first`);
    }
    await this.ensureSecrets(inMaintenance);
    await this.generateConfigs(patches);
    const observed = await this.probeInstalled(inMaintenance);
    // Control planes first: workers join a control plane that is already there.
    const fresh = [...controlPlanes(this.homelab), ...workers(this.homelab)].filter((node) => observed.get(node.name)?.state === "maintenance");
    const installed = this.homelab.nodes.filter((node) => !fresh.includes(node));

    for (const node of fresh) await this.install(node);
    await this.ensureBootstrapped();
    await this.step(talos.kubeconfig(this.layout, firstControlPlane(this.homelab).address));
    await makePrivate(this.layout.kubeconfig);
    await this.health();

    const before = this.changes.length;
    await this.upgradeTalos(installed, observed);
    await this.upgradeKubernetes();
    await this.applyChangedConfigs(installed);
    if (this.changes.length > before) await this.health();
    return { changes: this.changes };
  }

  private async checkTalosctl(): Promise<void> {
    const result = await this.step(talos.clientVersion());
    const problem = talosctlProblem(versionTag(result.stdout, "Client"), this.homelab.cluster.talosVersion);
    if (problem) throw new Error(problem);
  }

  /** `get disks --insecure` answers only in maintenance mode; see probeInstalled for the rest. */
  private async probeMaintenance(): Promise<Set<string>> {
    const found = new Set<string>();
    for (const node of this.homelab.nodes) {
      const result = await this.step(talos.maintenanceProbe(maintenanceAddress(node)), { allowFailure: true });
      if (result.code === 0) found.add(node.name);
    }
    return found;
  }

  private async ensureSecrets(inMaintenance: Set<string>): Promise<void> {
    if (await exists(this.layout.secrets)) {
      await makePrivate(this.layout.secrets);
      return;
    }
    const configured = this.homelab.nodes.filter((node) => !inMaintenance.has(node.name));
    if (configured.length > 0) {
      // New secrets would be a new PKI: the installed nodes would never trust this tool again.
      const names = configured.map((node) => `${node.name} (${maintenanceAddress(node)})`).join(", ");
      throw new Error(
        `${names} did not answer in maintenance mode: boot unconfigured nodes from the Talos ISO. ` +
          `If this cluster was built before, restore ${this.layout.secrets} from your backup instead: hangar makes new secrets only when every node is unconfigured`,
      );
    }
    await ensurePrivateDir(this.layout.dir);
    await this.step(talos.genSecrets(this.homelab, this.layout));
    await makePrivate(this.layout.secrets);
    this.io.log(
      `Back up ${this.layout.secrets} now (password manager or encrypted drive): it holds the cluster's CA keys, ` +
        "and without it this cluster can never be managed or rebuilt. hangar generated it once and will not say this again.",
    );
  }

  private async generateConfigs(patches: PatchSet): Promise<void> {
    const paths = await this.writePatches(patches);
    await freshPrivateDir(this.layout.generating);
    await this.step(talos.genConfig(this.homelab, this.layout, paths));
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

  private async probeInstalled(inMaintenance: Set<string>): Promise<Map<string, Observed>> {
    const observed = new Map<string, Observed>();
    const unreachable: string[] = [];
    for (const node of this.homelab.nodes) {
      if (inMaintenance.has(node.name)) {
        observed.set(node.name, { state: "maintenance" });
        continue;
      }
      const result = await this.step(talos.nodeVersion(this.layout, node.address), { allowFailure: true });
      const version = versionTag(result.stdout, "Server");
      if (result.code === 0 && version) observed.set(node.name, { state: "installed", version });
      else {
        unreachable.push(
          `node ${node.name}: not in maintenance mode at ${maintenanceAddress(node)} and no Talos API with ${this.layout.talosconfig} at ${node.address} (${lastLine(result.stderr)})`,
        );
      }
    }
    if (unreachable.length > 0) {
      throw new Error(
        `${unreachable.join("\n")}\nBoot unconfigured nodes from the Talos ISO (maintenance mode), and check the addresses in homelab.yaml`,
      );
    }
    return observed;
  }

  private async install(node: HomelabNode): Promise<void> {
    const schematic = nodeSchematic(this.homelab, node);
    await this.register(schematic.yaml, schematic.id);
    this.io.log(`Installing Talos ${this.homelab.cluster.talosVersion} on ${node.name} (${node.installDisk})`);
    await this.step(
      talos.applyConfig(this.layout, {
        file: machineConfigFile(this.layout, node),
        patch: this.layout.patches.node(node),
        address: maintenanceAddress(node),
        insecure: true,
      }),
    );
    this.changes.push(`installed ${node.name}`);
    await this.waitForNode(node, this.homelab.cluster.talosVersion);
  }

  private async register(yaml: string, id: string): Promise<void> {
    if (this.registered.has(id)) return;
    this.io.log(`Registering schematic ${id} with the Image Factory`);
    await this.io.registerSchematic(yaml, id);
    this.registered.add(id);
  }

  /** Polls until the node answers on its static address with the expected Talos version. */
  private async waitForNode(node: HomelabNode, version: string): Promise<void> {
    this.io.log(`Waiting for ${node.name} to answer at ${node.address} with Talos ${version}`);
    const deadline = this.io.now() + nodeWaitMs;
    for (;;) {
      const result = await this.io.talosctl(talos.nodeVersion(this.layout, node.address));
      const running = versionTag(result.stdout, "Server");
      if (result.code === 0 && running === version) return;
      if (this.io.now() >= deadline) {
        const last = result.code === 0 ? `it runs ${running}` : lastLine(result.stderr);
        throw new Error(`${node.name} did not come back at ${node.address} with Talos ${version} within ${nodeWaitMs / 60_000} minutes (${last})`);
      }
      await this.io.sleep(pollMs);
    }
  }

  private async ensureBootstrapped(): Promise<void> {
    for (const node of controlPlanes(this.homelab)) {
      const result = await this.step(talos.etcdService(this.layout, node.address), { allowFailure: true });
      if (result.code === 0 && etcdRunning(result.stdout)) return;
    }
    const first = firstControlPlane(this.homelab);
    const result = await this.step(talos.bootstrap(this.layout, first.address), { allowFailure: true });
    if (result.code === 0) {
      this.changes.push(`bootstrapped etcd on ${first.name}`);
      return;
    }
    if (!isAlreadyBootstrapped(result.stderr)) throw new Error(`talosctl bootstrap failed: ${lastLine(result.stderr)}`);
    this.io.log(`etcd on ${first.name} is already bootstrapped`);
  }

  private async health(): Promise<void> {
    await this.step(talos.health(this.homelab, this.layout), { stream: true });
  }

  private async upgradeTalos(nodes: HomelabNode[], observed: Map<string, Observed>): Promise<void> {
    const desiredVersion = this.homelab.cluster.talosVersion;
    const pending: HomelabNode[] = [];
    // Every node is checked before any is touched, so an unsupported step stops the run cleanly.
    for (const node of nodes) {
      const state = observed.get(node.name);
      if (state?.state !== "installed") continue;
      const result = await this.step(talos.extensions(this.layout, node.address));
      const running = { version: state.version, schematic: installedSchematic(result.stdout) };
      if (needsTalosUpgrade(node.name, running, { version: desiredVersion, schematic: nodeSchematic(this.homelab, node).id })) {
        pending.push(node);
      }
    }
    for (const node of pending) {
      const schematic = nodeSchematic(this.homelab, node);
      await this.register(schematic.yaml, schematic.id);
      this.io.log(`Upgrading ${node.name} to Talos ${desiredVersion} (schematic ${schematic.id})`);
      const image = installerImage(schematic.id, desiredVersion);
      // Draining a lone node only evicts pods that have nowhere to go.
      await this.step(talos.upgrade(this.layout, node.address, image, this.homelab.nodes.length > 1), { stream: true });
      await this.waitForNode(node, desiredVersion);
      const after = installedSchematic((await this.step(talos.extensions(this.layout, node.address))).stdout);
      if (after !== schematic.id) throw new Error(`${node.name} came back with schematic ${after} instead of ${schematic.id}`);
      this.changes.push(`upgraded ${node.name} to Talos ${desiredVersion}`);
      await this.health();
    }
  }

  private async upgradeKubernetes(): Promise<void> {
    const first = firstControlPlane(this.homelab);
    const result = await this.step(talos.apiServerPod(this.layout, first.address));
    const running = apiServerVersion(result.stdout);
    if (!running) throw new Error(`cannot read the running Kubernetes version from ${first.name}'s kube-apiserver static pod`);
    for (const to of kubernetesSteps(running, this.homelab.cluster.kubernetesVersion)) {
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
      if (dryRunUnchanged(dryRun.stdout)) continue;
      this.io.log(`${node.name}'s configuration differs from homelab.yaml; applying it`);
      await this.step(talos.applyConfig(this.layout, options));
      this.changes.push(`applied the changed configuration to ${node.name}`);
      await this.waitForNode(node, this.homelab.cluster.talosVersion);
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
