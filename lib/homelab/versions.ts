// Which Kubernetes releases each Talos minor supports (Talos support matrix: six minors back
// from the default it ships).
export const supportedKubernetes: Record<string, { oldest: string; newest: string }> = {
  "1.11": { oldest: "1.29", newest: "1.34" },
  "1.12": { oldest: "1.30", newest: "1.35" },
  "1.13": { oldest: "1.31", newest: "1.36" },
};

export function minorOf(version: string): string {
  return version.replace(/^v/, "").split(".").slice(0, 2).join(".");
}

export function compareMinor(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split(".").map(Number);
  const [bMajor = 0, bMinor = 0] = b.split(".").map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}
