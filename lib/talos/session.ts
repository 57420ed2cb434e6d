// What every converge step shares: the declaration, the state folder, the talosctl runner, the
// operator's log, and the list of changes made so far. Node waits live here because installs,
// upgrades and configuration changes all end in one.
import type { Homelab, HomelabNode } from "../homelab/schema.ts";
import * as talos from "./commands.ts";
import { commandLine, type TalosctlCommand } from "./commands.ts";
import type { StateLayout } from "./layout.ts";
import type { ArpScanResult } from "./maintenance.ts";
import { parseBootId, versionTag } from "./observe.ts";
import { vanillaSchematicId } from "./schematic.ts";
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

/** A node is installed (answers at its static address) or waits in maintenance mode. */
export type Observed = { state: "maintenance"; address: string } | { state: "installed"; version: string };

const nodeWaitMs = 20 * 60_000;

export class TalosSession {
  /** What changed on the nodes, in order; empty when the cluster was already as declared. */
  readonly changes: string[] = [];
  readonly pollMs: number;
  private readonly registered = new Set<string>([vanillaSchematicId]);

  constructor(
    readonly homelab: Homelab,
    readonly layout: StateLayout,
    readonly io: ConvergeIO,
  ) {
    this.pollMs = io.pollMs ?? 5_000;
  }

  /** Runs one talosctl command, logging its line; a failure stops the run with talosctl's message. */
  async step(command: TalosctlCommand, options: { allowFailure?: boolean; stream?: boolean } = {}): Promise<TalosctlResult> {
    this.io.log(`$ ${commandLine(command)}`);
    const result = await this.io.talosctl(command, options.stream ? { stream: (line) => this.io.log(`  ${line}`) } : {});
    if (result.code !== 0 && !options.allowFailure) {
      throw new Error(`talosctl ${command.argv.slice(0, 2).join(" ")} failed: ${lastLine(result.stderr) || `exit ${result.code}`}`);
    }
    return result;
  }

  /** Each schematic is registered with the Image Factory once per run (the vanilla one never). */
  async register(yaml: string, id: string): Promise<void> {
    if (this.registered.has(id)) return;
    this.io.log(`Registering schematic ${id} with the Image Factory`);
    await this.io.registerSchematic(yaml, id);
    this.registered.add(id);
  }

  async bootIdOf(node: HomelabNode): Promise<string | undefined> {
    const result = await this.step(talos.bootId(this.layout, node.address), { allowFailure: true });
    return result.code === 0 ? parseBootId(result.stdout) : undefined;
  }

  /**
   * Polls until the node answers at its static address with the expected Talos version and, when
   * `previousBoot` is given, with another boot ID: it went away and came back. The version alone
   * answers before the reboot an apply or upgrade triggers.
   */
  async waitForNode(node: HomelabNode, version: string, previousBoot: string | undefined, after: string): Promise<void> {
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

  async health(): Promise<void> {
    await this.step(talos.health(this.homelab, this.layout), { stream: true });
  }
}
