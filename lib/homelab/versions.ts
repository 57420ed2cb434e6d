// Which Kubernetes releases each Talos minor supports (Talos support matrix: six minors back
// from the default it ships). Talos 1.11 and older lack HostnameConfig, LinkConfig and
// ResolverConfig, which hangar's patches use, so 1.12 is the oldest supported minor.
export const supportedKubernetes: Record<string, { oldest: string; newest: string }> = {
  "1.12": { oldest: "1.30", newest: "1.35" },
  "1.13": { oldest: "1.31", newest: "1.36" },
  "1.14": { oldest: "1.32", newest: "1.37" },
};

/**
 * The Talos code hangar's configurations were checked against, for the warning on a newer minor:
 * its tests run real Talos machinery v1.13.9 (contracts v1.12 and v1.13) and v1.14.1 (contract
 * v1.14), and the fake talosctl's 1.14 rules follow the v1.14.0-rc.1 and v1.14.1 source. No code
 * of v1.14.2 to v1.14.7 could be had (the Go module proxy refuses them): the default v1.14.7 is
 * assumed to validate as v1.14.1 does.
 */
export const checkedTalosCode = "Talos machinery v1.13.9 and v1.14.1";
export const oldestSupportedTalos = "1.12";

export function minorOf(version: string): string {
  return version.replace(/^v/, "").split(".").slice(0, 2).join(".");
}

export function compareMinor(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split(".").map(Number);
  const [bMajor = 0, bMinor = 0] = b.split(".").map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

const shiftMinor = (minor: string, by: number) => {
  const [major = 1, value = 0] = minor.split(".").map(Number);
  return `${major}.${value + by}`;
};

export interface TalosSupport {
  oldest: string;
  newest: string;
  /** True for a Talos minor newer than hangar knows: its range is extrapolated, the run warns. */
  unchecked: boolean;
}

/**
 * The Kubernetes range of a Talos minor, or undefined when hangar cannot run it (too old). A newer
 * minor follows Talos' rule (each minor moves the window by one) and is flagged unchecked.
 */
export function talosSupport(talosVersion: string): TalosSupport | undefined {
  const minor = minorOf(talosVersion);
  const known = supportedKubernetes[minor];
  if (known) return { ...known, unchecked: false };
  const newest = Object.keys(supportedKubernetes).sort(compareMinor).at(-1)!;
  if (compareMinor(minor, newest) < 0) return undefined;
  const [major, value] = minor.split(".").map(Number);
  const [newestMajor, newestValue] = newest.split(".").map(Number);
  if (major !== newestMajor) return undefined;
  const by = value! - newestValue!;
  const range = supportedKubernetes[newest]!;
  return { oldest: shiftMinor(range.oldest, by), newest: shiftMinor(range.newest, by), unchecked: true };
}
