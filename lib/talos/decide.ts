// Pure decisions: is this talosctl usable, does a node need an OS upgrade, which Kubernetes
// versions does upgrade-k8s have to pass through. Errors carry the sentence to print.

type Version = [major: number, minor: number, patch: number];

function parse(version: string): Version | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

function must(version: string, what: string): Version {
  const parsed = parse(version);
  if (!parsed) throw new Error(`cannot read ${what} version "${version}"`);
  return parsed;
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** talosctl generates configs with its own defaults, so it must be of the declared Talos minor. */
export function talosctlProblem(clientTag: string | undefined, talosVersion: string): string | undefined {
  const desired = must(talosVersion, "cluster.talosVersion");
  const client = clientTag === undefined ? undefined : parse(clientTag);
  const wanted = `v${desired[0]}.${desired[1]}.x`;
  if (!client) return `cannot tell which talosctl this is (talosctl version --client); install talosctl ${wanted}`;
  if (client[0] !== desired[0] || client[1] !== desired[1]) {
    return `talosctl ${clientTag} does not match cluster.talosVersion ${talosVersion}; install talosctl ${wanted}`;
  }
  return undefined;
}

export interface RunningOS {
  version: string;
  schematic: string;
}

/** True when the node must be upgraded; throws when the step is not one Talos supports. */
export function needsTalosUpgrade(node: string, running: RunningOS, desired: RunningOS): boolean {
  if (running.version === desired.version && running.schematic === desired.schematic) return false;
  const from = must(running.version, `node ${node}'s Talos`);
  const to = must(desired.version, "cluster.talosVersion");
  const minors = (to[0] - from[0]) * 100 + (to[1] - from[1]);
  if (minors < 0) {
    throw new Error(
      `node ${node} runs Talos ${running.version}, newer than cluster.talosVersion ${desired.version}; hangar does not downgrade across minors (talosctl rollback returns to the previous install)`,
    );
  }
  if (minors > 1) {
    throw new Error(
      `node ${node} runs Talos ${running.version}; Talos upgrades one minor at a time, so set cluster.talosVersion to the latest v${from[0]}.${from[1] + 1}.x, run again, then move on to ${desired.version}`,
    );
  }
  return true;
}

/**
 * The `upgrade-k8s --to` versions from the running Kubernetes to the declared one. upgrade-k8s
 * accepts only the same or the next minor, so each minor in between is passed at its .0 release.
 */
export function kubernetesSteps(running: string, desired: string): string[] {
  const from = must(running, "the running Kubernetes");
  const to = must(desired, "cluster.kubernetesVersion");
  const order = compare(from, to);
  if (order === 0) return [];
  if (order > 0 || from[0] !== to[0]) {
    throw new Error(`the cluster runs Kubernetes ${running}; hangar cannot move it to ${desired} (Kubernetes does not downgrade)`);
  }
  const steps: string[] = [];
  for (let minor = from[1] + 1; minor < to[1]; minor++) steps.push(`${to[0]}.${minor}.0`);
  steps.push(desired);
  return steps;
}

/** A graceful reset makes the node leave etcd, which the only member of a cluster cannot do. */
export function canResetGracefully(controlPlaneCount: number, role: "controlplane" | "worker"): boolean {
  return role === "worker" || controlPlaneCount > 1;
}
