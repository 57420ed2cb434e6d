// What a test node has created so far, written down before each thing exists, so that a stop
// (from this process, another one, or after an interrupted start) finds all of it.
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathsIn } from "./layout.ts";

export interface NodeState {
  id: string;
  dir: string;
  /** Who started it: `down` without arguments stops the nodes the command line started. */
  startedBy: "cli" | "test";
  /** Network namespaces, in the order they were created. */
  namespaces: string[];
  cgroup?: string;
  /** The pid of every process started, by component. */
  pids: Record<string, number>;
}

const dirPrefix = "hangar-node-";

export const nodeDir = (id: string) => join(tmpdir(), `${dirPrefix}${id}`);

export function readState(dir: string): NodeState | undefined {
  const file = pathsIn(dir).state;
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as NodeState) : undefined;
}

/** Folders of every node this machine knows of (whoever started it). */
export function knownNodeDirs(): string[] {
  return readdirSync(tmpdir()).filter((entry) => entry.startsWith(dirPrefix)).map((entry) => join(tmpdir(), entry));
}

export class Ledger {
  constructor(readonly state: NodeState) {
    this.save();
  }

  namespace(name: string): void {
    this.state.namespaces.push(name);
    this.save();
  }

  forgetNamespace(name: string): void {
    this.state.namespaces = this.state.namespaces.filter((known) => known !== name);
    this.save();
  }

  cgroup(name: string): void {
    this.state.cgroup = name;
    this.save();
  }

  process(component: string, pid: number): void {
    this.state.pids[component] = pid;
    this.save();
  }

  private save(): void {
    writeFileSync(pathsIn(this.state.dir).state, JSON.stringify(this.state, null, 2));
  }
}
