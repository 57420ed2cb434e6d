// A real single-node Kubernetes for the tests and for scripts/test-cluster.mjs (the logic is in
// ./node/): start one, run commands inside its network namespace (the API is at the node's LAN
// address there, and nowhere else), on the peer machine beside it, and stop it leaving nothing.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { addNamespace, plug, removeNamespace } from "./node/lan.ts";
import { namesFor, node, pathsIn, peer, type NodePaths } from "./node/layout.ts";
import { startNode, type StartOptions } from "./node/start.ts";
import { knownNodeDirs, Ledger, nodeDir, readState, type NodeState } from "./node/state.ts";
import { leftovers, stopNode } from "./node/stop.ts";
import type { AuditEvent } from "./real-apiserver.ts";
import { realTool } from "./tools.ts";

export { nodeUnavailable } from "./node/start.ts";
export { node as exampleNode, peer as examplePeer };

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const hangarScript = fileURLToPath(new URL("../../scripts/hangar.mjs", import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCommand(file: string, args: string[], timeoutMs = 600_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: repoRoot, maxBuffer: 64 << 20, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

export class RealNode {
  readonly paths: NodePaths;
  readonly netns: string;
  readonly peer: string;
  readonly lan: string;

  constructor(readonly state: NodeState) {
    this.paths = pathsIn(state.dir);
    const names = namesFor(state.id);
    this.netns = names.node;
    this.peer = names.peer;
    this.lan = names.lan;
  }

  get id(): string {
    return this.state.id;
  }

  /** The admin's kubeconfig: the API at the node's address, reachable inside the node's namespace and from the LAN. */
  get kubeconfig(): string {
    return this.paths.kubeconfig;
  }

  /** A command inside the node's network namespace. */
  inNode(command: string[], timeoutMs?: number): Promise<Run> {
    return runCommand("ip", ["netns", "exec", this.netns, ...command], timeoutMs);
  }

  /** A command on the peer machine. */
  onPeer(command: string[], timeoutMs?: number): Promise<Run> {
    return runCommand("ip", ["netns", "exec", this.peer, ...command], timeoutMs);
  }

  /** kubectl as the admin, inside the node's namespace, whatever its exit code. */
  kubectlRun(args: string[]): Promise<Run> {
    return this.inNode([join(this.paths.bin, "kubectl"), `--kubeconfig=${this.kubeconfig}`, ...args]);
  }

  /** kubectl as the admin, inside the node's namespace; fails with kubectl's own message. */
  async kubectl(...args: string[]): Promise<string> {
    const result = await this.kubectlRun(args);
    if (result.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${result.stderr.trim()}`);
    return result.stdout;
  }

  /** An object (or list) as JSON, managed fields included. */
  async get<T = any>(...args: string[]): Promise<T> {
    return JSON.parse(await this.kubectl("get", ...args, "--show-managed-fields", "-o", "json")) as T;
  }

  /** `hangar <args>` inside the node's namespace, from the project folder. */
  hangar(args: string[], timeoutMs?: number): Promise<Run> {
    return this.inNode([process.execPath, hangarScript, ...args], timeoutMs);
  }

  /** ctr against the node's containerd (its socket is a file in the node's folder), namespace k8s.io. */
  async ctr(args: string[]): Promise<string> {
    const result = await runCommand(realTool("ctr"), ["--address", this.paths.containerdSocket, "--namespace", "k8s.io", ...args]);
    if (result.code !== 0) throw new Error(`ctr ${args.join(" ")}: ${result.stderr.trim()}`);
    return result.stdout;
  }

  /** Another machine on the LAN (its own namespace, one link, the addresses given); returns its MAC. */
  addMachine(name: string, addresses: string[]): string {
    if (name.length > 10) throw new Error(`machine name ${name} is longer than 10 characters`);
    const namespace = namesFor(this.id).host(name);
    new Ledger(this.state).namespace(namespace);
    addNamespace(namespace);
    return plug(this.lan, namespace, { port: `m-${name}`, link: "eth0", addresses: addresses.map((address) => `${address}/${node.cidr.split("/")[1]}`) });
  }

  removeMachine(name: string): void {
    const namespace = namesFor(this.id).host(name);
    removeNamespace(namespace);
    new Ledger(this.state).forgetNamespace(namespace);
  }

  /** Every request the admin made and the other audited events, oldest first (the API server's order). */
  audit(): (AuditEvent & { stage: string; stageTimestamp: string; requestObject?: any })[] {
    if (!existsSync(this.paths.audit)) return [];
    return readFileSync(this.paths.audit, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line))
      .filter((event) => event.stage === "ResponseComplete");
  }

  /** Stops everything and removes every trace; harmless twice. */
  stop(): void {
    stopNode(this.state.dir);
  }

  /** What is left of the node after stop(): empty when nothing is. */
  leftovers(): string[] {
    return leftovers(this.id);
  }
}

/** Starts a node. One a test starts is stopped when the test process ends; one the command line starts outlives it. */
export async function startRealNode(options: StartOptions): Promise<RealNode> {
  const { state } = await startNode(options);
  const started = new RealNode(state);
  if (options.startedBy === "test") stopAtExit(started);
  return started;
}

/** Stops the node when this process ends, however it ends (an exit, SIGINT, or SIGTERM from tap's timeout). */
export function stopAtExit(node: RealNode): void {
  const onSignal = (signal: NodeJS.Signals) => {
    node.stop();
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("exit", () => node.stop());
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
}

/** A node another process started (scripts/test-cluster.mjs up), from its folder. */
export function attachRealNode(dir: string): RealNode {
  const state = readState(dir);
  if (!state) throw new Error(`no test node in ${dir}`);
  return new RealNode(state);
}

/** Folders of the nodes the command line started (`down` without arguments stops these). */
export function cliNodeDirs(): string[] {
  return knownNodeDirs().filter((dir) => readState(dir)?.startedBy === "cli");
}

export const nodeDirOf = nodeDir;
export { leftovers as leftoversOf };
export const stopNodeDir = stopNode;
