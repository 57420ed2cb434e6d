// etcd snapshots in the state folder: named by time so they sort, the newest few kept.
const pattern = /^etcd-\d{8}T\d{6}Z\.snapshot$/;

export function snapshotName(now: number): string {
  return `etcd-${new Date(now).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}.snapshot`;
}

/** The snapshot files beyond the newest `keep`, oldest first; other files are left alone. */
export function snapshotsToPrune(names: readonly string[], keep: number): string[] {
  const snapshots = names.filter((name) => pattern.test(name)).sort();
  return snapshots.slice(0, Math.max(0, snapshots.length - keep));
}
