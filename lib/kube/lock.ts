// One deploy at a time per cluster: a coordination.k8s.io/v1 Lease, kube-system/hangar-deploy,
// names who deploys (user@host and pid) and since when. The holder renews it while it runs; a
// lease not renewed for its duration is stale (its deploy is gone) and may be taken over; a live
// one only with --break-lock, asked first. Every write carries the resourceVersion it read, so
// two deploys racing for a free lock cannot both win.
import { hostname, userInfo } from "node:os";
import type { KubeClient, Json } from "./client.ts";
import { ApiRequestError } from "./retry.ts";
import { afterMs, shortDuration } from "./deadline.ts";

export const lockNamespace = "kube-system";
export const lockName = "hangar-deploy";
/** A deploy that stops renewing for this long is gone. */
export const leaseSeconds = 60;
const defaultRenewEveryMs = (leaseSeconds * 1000) / 4;
const collection = `/apis/coordination.k8s.io/v1/namespaces/${lockNamespace}/leases`;
const leasePath = `${collection}/${lockName}`;

export interface Holder {
  identity: string;
  /** When it took the lock (RFC 3339). */
  acquired?: string;
  renewed?: string;
  leaseSeconds: number;
}

/** `root@lab-1 pid 4242`: who deploys, from where. */
export function deployIdentity(): string {
  return `${userInfo().username}@${hostname()} pid ${process.pid}`;
}

/** A Lease's MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

export function holderOf(lease: Json | undefined): Holder | undefined {
  const spec = lease?.spec ?? {};
  if (!spec.holderIdentity) return undefined;
  return { identity: spec.holderIdentity, acquired: spec.acquireTime, renewed: spec.renewTime, leaseSeconds: spec.leaseDurationSeconds ?? leaseSeconds };
}

/** Milliseconds until the holder's lease runs out (negative: it has). */
export function expiresInMs(holder: Holder, now: Date): number {
  const renewed = Date.parse(holder.renewed ?? holder.acquired ?? "");
  return Number.isFinite(renewed) ? renewed + holder.leaseSeconds * 1000 - now.getTime() : -1;
}

/** `root@lab-1 pid 4242 since 2026-05-01 10:42:03 UTC (5m ago), renewed 3s ago`. */
export function describeHolder(holder: Holder, now: Date): string {
  const ago = (time: string | undefined) => (time && Number.isFinite(Date.parse(time)) ? shortDuration(Math.max(0, now.getTime() - Date.parse(time))) : undefined);
  const since = holder.acquired ? ` since ${holder.acquired.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC")} (${ago(holder.acquired)} ago)` : "";
  const renewed = ago(holder.renewed);
  return `${holder.identity}${since}${renewed ? `, renewed ${renewed} ago` : ""}`;
}

export class LockHeld extends Error {
  constructor(readonly holder: Holder, now: Date) {
    super(
      `another deploy holds the deploy lock (Lease ${lockNamespace}/${lockName}): ${describeHolder(holder, now)}; ` +
        `re-run with --wait-for-lock to wait for it, or with --break-lock if that deploy is gone`,
    );
    this.name = "LockHeld";
  }
}

export interface AcquireOptions {
  identity: string;
  /** Wait for the holder to finish (or its lease to run out) instead of failing with LockHeld. */
  wait: boolean;
  /** Take the lock from a live holder (--break-lock, confirmed). */
  force: boolean;
  signal?: AbortSignal;
  /** While waiting: the holder, each time its lease changes. */
  onWait?(holder: Holder): void;
  now?: () => Date;
  /** How often the lease is renewed (default: a quarter of its duration). */
  renewEveryMs?: number;
}

export class DeployLock {
  private readonly lostController = new AbortController();
  private readonly renewal: NodeJS.Timeout;
  private lastRenewed = performance.now();

  private constructor(
    private readonly client: KubeClient,
    private readonly identity: string,
    private resourceVersion: string,
    /** The holder whose stale (or broken) lock this one replaced. */
    readonly replaced: Holder | undefined,
    private readonly now: () => Date,
    private readonly renewEveryMs: number,
  ) {
    this.renewal = setInterval(() => void this.renew(), renewEveryMs);
  }

  /** Aborts, with the reason, if another deploy takes the lock or it cannot be renewed in time. */
  get lost(): AbortSignal {
    return this.lostController.signal;
  }

  static async acquire(client: KubeClient, options: AcquireOptions): Promise<DeployLock> {
    const now = options.now ?? (() => new Date());
    for (;;) {
      const lease = await client.getOrUndefined(leasePath, options.signal);
      const holder = holderOf(lease);
      const free = !holder || holder.identity === options.identity || expiresInMs(holder, now()) < 0;
      if (free || options.force) {
        const taken = await take(client, lease, options.identity, now(), options.signal);
        if (taken) return new DeployLock(client, options.identity, taken, holder?.identity === options.identity ? undefined : holder, now, options.renewEveryMs ?? defaultRenewEveryMs);
        continue; // another deploy won the race: look again
      }
      if (!options.wait) throw new LockHeld(holder, now());
      options.onWait?.(holder);
      await changedOrExpired(client, lease, holder, now(), options.signal);
    }
  }

  /** Gives the lock up (when it is still this deploy's). */
  async release(): Promise<void> {
    clearInterval(this.renewal);
    if (this.lost.aborted) return;
    await this.client
      .json("PATCH", leasePath, {
        body: JSON.stringify({ metadata: { resourceVersion: this.resourceVersion }, spec: { holderIdentity: null, acquireTime: null, renewTime: null } }),
        contentType: "application/merge-patch+json",
        signal: AbortSignal.timeout(10_000),
      })
      .catch(() => undefined); // taken over meanwhile, or unreachable: it runs out on its own
  }

  private async renew(): Promise<void> {
    try {
      const renewed = await this.client.json("PATCH", leasePath, {
        body: JSON.stringify({ metadata: { resourceVersion: this.resourceVersion }, spec: { renewTime: microTime(this.now()) } }),
        contentType: "application/merge-patch+json",
        signal: AbortSignal.timeout(this.renewEveryMs),
      });
      this.resourceVersion = renewed.metadata.resourceVersion;
      this.lastRenewed = performance.now();
    } catch (error) {
      if (error instanceof ApiRequestError && error.status === 409) {
        const holder = holderOf(await this.client.getOrUndefined(leasePath, AbortSignal.timeout(this.renewEveryMs)).catch(() => undefined));
        if (holder?.identity !== this.identity) return this.lose(`another deploy took the deploy lock: ${holder ? describeHolder(holder, this.now()) : "it was released"}`);
      }
      if (performance.now() - this.lastRenewed > leaseSeconds * 1000) this.lose(`the deploy lock could not be renewed for ${leaseSeconds}s (${(error as Error).message})`);
    }
  }

  private lose(why: string): void {
    clearInterval(this.renewal);
    this.lostController.abort(new Error(`${why}; this deploy stops so that two never write at once`));
  }
}

/** Takes the lease with the resourceVersion read; its new resourceVersion, or undefined when another deploy was faster. */
async function take(client: KubeClient, lease: Json | undefined, identity: string, now: Date, signal?: AbortSignal): Promise<string | undefined> {
  const spec = { holderIdentity: identity, acquireTime: microTime(now), renewTime: microTime(now), leaseDurationSeconds: leaseSeconds };
  try {
    const written = lease
      ? await client.json("PATCH", leasePath, {
          body: JSON.stringify({ metadata: { resourceVersion: lease.metadata.resourceVersion }, spec: { ...spec, leaseTransitions: (lease.spec?.leaseTransitions ?? 0) + 1 } }),
          contentType: "application/merge-patch+json",
          signal,
        })
      : await client.json("POST", collection, {
          body: JSON.stringify({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: lockName, namespace: lockNamespace }, spec: { ...spec, leaseTransitions: 0 } }),
          signal,
        });
    return written.metadata.resourceVersion;
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 409) return undefined;
    throw error;
  }
}

/** Resolves when the lease changes (renewed, released, taken) or its holder's lease runs out. */
async function changedOrExpired(client: KubeClient, lease: Json, holder: Holder, now: Date, signal?: AbortSignal): Promise<void> {
  const stream = new AbortController();
  const stop = () => stream.abort();
  signal?.addEventListener("abort", stop, { once: true });
  // A little after it runs out, so the next look sees it expired.
  const cancel = afterMs(Math.max(0, expiresInMs(holder, now)) + 1000, stop);
  try {
    await client
      .watch(collection, { fieldSelector: `metadata.name=${lockName}`, resourceVersion: lease.metadata.resourceVersion, timeoutSeconds: "60" }, (event) => {
        if (event.type === "MODIFIED" || event.type === "DELETED" || event.type === "ERROR") stop();
      }, stream.signal)
      .catch((error) => {
        if (!stream.signal.aborted) throw error;
      });
  } finally {
    cancel();
    signal?.removeEventListener("abort", stop);
  }
  if (signal?.aborted) throw signal.reason;
}
