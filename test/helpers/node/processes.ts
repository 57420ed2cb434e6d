// Starting a test node's processes: each joins the node's cgroup first (so a stop finds it),
// then enters the node's network namespace and its one private mount namespace, held open by an
// anchor process, which containerd, its shims and kubelet share (kubelet's volume mounts must be
// where the containers are, and never in the host's mount table).
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { NodePaths } from "./layout.ts";

/** Joins the cgroup whose cgroup.procs is $0, then becomes the command. */
const joinCgroup = ["sh", "-c", 'echo $$ > "$0" && exec "$@"'];

export interface Daemon {
  name: string;
  command: string[];
}

export class NodeProcesses {
  private anchorPid?: number;
  readonly children = new Map<string, ChildProcess>();

  constructor(
    private readonly paths: NodePaths,
    private readonly procsFile: string,
    private readonly netns: string,
    private readonly record: (name: string, pid: number) => void,
  ) {}

  private env() {
    return { PATH: `${this.paths.bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`, HOME: process.env.HOME ?? "/root" };
  }

  private launch(name: string, command: string[], stdout: "log" | "pipe"): ChildProcess {
    const log = openSync(this.logOf(name), "a");
    try {
      const child = spawn(joinCgroup[0]!, [...joinCgroup.slice(1), this.procsFile, ...command], {
        detached: true,
        env: this.env(),
        stdio: ["ignore", stdout === "log" ? log : "pipe", log],
      });
      if (child.pid === undefined) throw new Error(`${name} could not be started`);
      this.record(name, child.pid);
      this.children.set(name, child);
      child.unref();
      return child;
    } finally {
      closeSync(log);
    }
  }

  logOf(name: string): string {
    return join(this.paths.logs, `${name}.log`);
  }

  /** The holder of the private mount namespace: /run, /var/lib and /var/log become the node's own. */
  async startAnchor(): Promise<void> {
    const mounts = 'mount --bind "$1" /run && mount --bind "$2" /var/lib && mount --bind "$3" /var/log && echo ready && exec sleep infinity';
    const child = this.launch("anchor", [
      "nsenter", `--net=/run/netns/${this.netns}`, "--",
      "unshare", "--mount", "--propagation", "private", "--",
      "sh", "-c", mounts, "anchor", this.paths.privateRun, this.paths.privateVarLib, this.paths.privateVarLog,
    ], "pipe");
    await new Promise<void>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (chunk) => {
        out += chunk;
        if (out.includes("ready\n")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`the mount namespace holder exited with ${code}:\n${this.tail("anchor")}`)));
    });
    child.stdout!.destroy();
    this.anchorPid = child.pid;
  }

  start(daemon: Daemon): ChildProcess {
    if (this.anchorPid === undefined) throw new Error("the anchor must run before the node's daemons");
    return this.launch(daemon.name, ["nsenter", "-t", String(this.anchorPid), "-m", "-n", "--", ...daemon.command], "log");
  }

  /**
   * A short-lived command (a readiness probe, kubectl, ctr), also in the node's cgroup, so that
   * stopping the node mid-start stops it too; `inNetns`: inside the node's network namespace.
   * Resolves with its output; rejects with its stderr when it fails.
   */
  run(command: string[], inNetns: boolean): Promise<string> {
    const full = [...joinCgroup.slice(1), this.procsFile, ...(inNetns ? ["ip", "netns", "exec", this.netns] : []), ...command];
    return new Promise((resolve, reject) => {
      execFile(joinCgroup[0]!, full, { env: this.env(), maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
        if (error) reject(Object.assign(new Error(`${command.join(" ")}: ${String(stderr).trim() || error.message}`), { stderr: String(stderr) }));
        else resolve(String(stdout));
      });
    });
  }

  /** The end of a component's log, for error messages. */
  tail(name: string, lines = 25): string {
    const file = this.logOf(name);
    return existsSync(file) ? readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n") : "(no log)";
  }

  /** Fails at once with the component's log when it has exited. */
  assertRunning(name: string): void {
    const child = this.children.get(name);
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}):\n${this.tail(name)}`);
    }
  }
}
