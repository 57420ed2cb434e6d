// Stops a test node completely: every process in its cgroup tree (its daemons, containerd's
// shims, every container) by pid, the cgroups, its network namespaces (and the mounts that hold
// them), any mount under its folder, and the folder. Synchronous, so it also runs from an exit or
// signal handler; harmless when run twice or when the node never fully started.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { groupsLeft, pidsIn, removeGroups } from "./cgroups.ts";
import { removeNamespace } from "./lan.ts";
import { namesFor } from "./layout.ts";
import { nodeDir, readState } from "./state.ts";

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Kills every process of the tree, again and again (a dying parent may have forked), until none is left. */
function killTree(cgroup: string, deadlineMs = 60_000): void {
  const started = Date.now();
  for (;;) {
    const pids = pidsIn(cgroup);
    if (pids.length === 0) return;
    if (Date.now() - started > deadlineMs) throw new Error(`processes of ${cgroup} still running after ${deadlineMs} ms: ${pids.join(", ")}`);
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone between the listing and the kill.
      }
    }
    pause(20);
  }
}

/** Mount points under a folder in this mount namespace, deepest first. */
export function mountsUnder(dir: string): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((mount): mount is string => mount !== undefined && (mount === dir || mount.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
}

/** Processes whose command line mentions the folder (the leftover check: there should be none). */
export function processesMentioning(dir: string): number[] {
  return readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).map(Number).filter((pid) => {
    try {
      return pid !== process.pid && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(dir);
    } catch {
      return false;
    }
  });
}

export function stopNode(dir: string): void {
  const state = readState(dir);
  if (state?.cgroup) {
    // A process spawned just before the stop joins the group on its own (processes.ts), possibly
    // after the kill found the group empty: kill and remove again until the groups are gone.
    const started = Date.now();
    for (;;) {
      killTree(state.cgroup);
      const left = removeGroups(state.cgroup);
      if (left.length === 0) break;
      if (Date.now() - started > 10_000) throw new Error(`cgroups of the node could not be removed:\n${left.join("\n")}`);
      pause(50);
    }
  }
  for (const name of [...(state?.namespaces ?? [])].reverse()) removeNamespace(name);
  for (const mount of mountsUnder(dir)) execFileSync("umount", ["--lazy", mount]);
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}

/** What a stopped node left behind: empty when the stop was complete. */
export function leftovers(id: string): string[] {
  const names = namesFor(id);
  const dir = nodeDir(id);
  const namespaces = execFileSync("ip", ["netns", "list"], { encoding: "utf8" }).split("\n").map((line) => line.split(" ")[0]!).filter((name) => name.startsWith(`hangar-${id}-`));
  const groups = groupsLeft(names.cgroup);
  return [
    ...namespaces.map((name) => `network namespace ${name}`),
    ...groups.map((group) => `cgroup ${group}`),
    ...(groups.length > 0 ? pidsIn(names.cgroup).map((pid) => `process ${pid} (in the node's cgroup)`) : []),
    ...processesMentioning(dir).map((pid) => `process ${pid} (${dir} in its command line)`),
    ...mountsUnder(dir).map((mount) => `mount ${mount}`),
    ...(existsSync(dir) ? [`folder ${dir}`] : []),
  ];
}
