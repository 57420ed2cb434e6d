// Every process of a test node lives in one cgroup tree (its daemons, containerd's shims and
// every container, through kubelet's cgroupRoot), so stopping the node means: kill every pid in
// that tree until it is empty, then remove the tree, in every hierarchy where it appears.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync } from "node:fs";
import { join } from "node:path";

const cgroupRoot = "/sys/fs/cgroup";

/** Mount points of every cgroup hierarchy (v1 controllers, named ones, and v2). */
export function hierarchies(): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter((line) => / - cgroup2? /.test(line))
    .map((line) => line.split(" ")[4]!);
}

/** The hierarchy the node's processes are tracked in: pids on cgroup v1, the unified one on v2. */
export function trackingHierarchy(): string {
  const all = hierarchies();
  const pids = all.find((mount) => mount === join(cgroupRoot, "pids"));
  const unified = all.find((mount) => mount === cgroupRoot);
  const chosen = pids ?? unified;
  if (!chosen) throw new Error(`no pids cgroup hierarchy at ${cgroupRoot}/pids and no cgroup v2 at ${cgroupRoot}: cannot track the node's processes`);
  return chosen;
}

/** Creates the group daemons are started in; returns its cgroup.procs file. */
export function createDaemonGroup(name: string): string {
  const group = join(trackingHierarchy(), name, "daemons");
  mkdirSync(group, { recursive: true });
  return join(group, "cgroup.procs");
}

/** Creates the group pods go under (kubelet's cgroupRoot) in every hierarchy, as kubelet requires; returns its path. */
export function createPodsGroup(name: string): string {
  for (const hierarchy of hierarchies()) mkdirSync(join(hierarchy, name, "pods"), { recursive: true });
  return `/${name}/pods`;
}

/** Every folder of a cgroup tree, deepest first. */
function treeDeepestFirst(top: string): string[] {
  if (!existsSync(top)) return [];
  const below = readdirSync(top).map((entry) => join(top, entry)).filter((path) => statSync(path).isDirectory());
  return [...below.flatMap(treeDeepestFirst), top];
}

export function pidsIn(name: string): number[] {
  return treeDeepestFirst(join(trackingHierarchy(), name)).flatMap((group) => {
    try {
      return readFileSync(join(group, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number);
    } catch {
      return [];
    }
  });
}

/** Removes the tree from every hierarchy; a group that still holds a process stays (and is reported). */
export function removeGroups(name: string): string[] {
  const left: string[] = [];
  for (const hierarchy of hierarchies()) {
    for (const group of treeDeepestFirst(join(hierarchy, name))) {
      try {
        rmdirSync(group);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") left.push(`${group}: ${(error as Error).message}`);
      }
    }
  }
  return left;
}

/** Groups of the tree still present in any hierarchy (for the leftover checks). */
export function groupsLeft(name: string): string[] {
  return hierarchies().map((hierarchy) => join(hierarchy, name)).filter(existsSync);
}
