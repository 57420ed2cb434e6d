// Waiting for an object to become ready by watching it (a list for the starting point, then a
// watch from that resourceVersion): the reaction to a change is immediate, not a poll interval.
import type { KubeClient, Json } from "./client.ts";
import { collectionPath, type ResourceInfo } from "./discovery.ts";
import type { Readiness } from "./readiness.ts";

export class WaitTimeout extends Error {
  constructor(readonly what: string, readonly observed: string, seconds: number) {
    super(`timed out after ${seconds}s waiting for ${what}: last seen ${observed}`);
    this.name = "WaitTimeout";
  }
}

export interface WaitTarget {
  info: ResourceInfo;
  namespace: string | undefined;
  name: string;
  /** Human name for messages, e.g. Deployment/metallb-system/metallb-controller. */
  what: string;
  check(object: Json): Readiness;
  /** When the object vanishes: done (a Job deleted by its TTL after completing) or not. */
  goneMeansDone?: boolean;
}

export async function waitUntilReady(client: KubeClient, target: WaitTarget, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  const onAbort = () => timeout.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  let observed = "not seen yet";
  try {
    const path = collectionPath(target.info, target.namespace);
    const fieldSelector = `metadata.name=${target.name}`;
    for (;;) {
      const list = await client.json("GET", path, { query: { fieldSelector }, signal: timeout.signal });
      const current = list.items?.[0];
      if (!current) {
        if (target.goneMeansDone) return;
        observed = "object does not exist";
      } else {
        const state = target.check(current);
        observed = state.observed;
        if (state.failed) throw new Error(`${target.what}: ${state.failed}`);
        if (state.ready) return;
      }
      let done = false;
      let failure: Error | undefined;
      const stream = new AbortController();
      const stop = () => stream.abort();
      timeout.signal.addEventListener("abort", stop, { once: true });
      await client
        .watch(path, { fieldSelector, resourceVersion: list.metadata?.resourceVersion, timeoutSeconds: "60" }, (event) => {
          if (event.type === "DELETED") {
            if (target.goneMeansDone) done = true;
            else observed = "object was deleted";
          } else if (event.type === "ADDED" || event.type === "MODIFIED") {
            const state = target.check(event.object);
            observed = state.observed;
            if (state.failed) failure = new Error(`${target.what}: ${state.failed}`);
            if (state.ready) done = true;
          }
          if (done || failure) stream.abort();
        }, stream.signal)
        .catch((error) => {
          if (!stream.signal.aborted) throw error;
        });
      timeout.signal.removeEventListener("abort", stop);
      if (failure) throw failure;
      if (done) return;
      if (timeout.signal.aborted) break;
      // The server ended the watch: list again and carry on.
    }
    if (signal?.aborted) throw signal.reason;
    throw new WaitTimeout(target.what, observed, Math.round(timeoutMs / 1000));
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (timeout.signal.aborted && !(error instanceof WaitTimeout)) throw new WaitTimeout(target.what, observed, Math.round(timeoutMs / 1000));
    throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}
