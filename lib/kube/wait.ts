// Waiting for objects to become ready by watching them (a list for the starting point, then a
// watch from that resourceVersion): the reaction to a change is immediate, not a poll interval.
import type { KubeClient, Json } from "./client.ts";
import { collectionPath, type ResourceInfo } from "./discovery.ts";
import type { Readiness } from "./readiness.ts";
import { DeadlineReached, shortDuration } from "./deadline.ts";

export class WaitTimeout extends Error {
  constructor(readonly what: string, readonly observed: string, timeoutMs: number) {
    super(`timed out after ${shortDuration(timeoutMs)} (the deploy's --timeout) waiting for ${what}: last seen ${observed}`);
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
  /** Called once, when the first look finds it not ready yet: a wait that begins. */
  onWait?: () => void;
}

/** Every object matching a label selector, judged together (e.g. a Service's EndpointSlices). */
export interface SetTarget {
  info: ResourceInfo;
  namespace: string | undefined;
  labelSelector: string;
  what: string;
  check(objects: Json[]): Readiness;
  onWait?: () => void;
}

/**
 * Waits until the object is ready, or the signal aborts: at the run's deadline (a DeadlineReached
 * reason) that becomes a WaitTimeout naming what was last seen, unless the API server itself had
 * fallen silent; any other reason (an interrupt) is thrown as it is.
 */
export function waitUntilReady(client: KubeClient, target: WaitTarget, signal: AbortSignal): Promise<void> {
  const gone: Readiness = target.goneMeansDone ? { ready: true, observed: "gone" } : { ready: false, observed: "object does not exist" };
  return watchUntil(client, target, { fieldSelector: `metadata.name=${target.name}` }, (objects) => (objects[0] ? target.check(objects[0]) : gone), signal);
}

export function waitUntilSetReady(client: KubeClient, target: SetTarget, signal: AbortSignal): Promise<void> {
  return watchUntil(client, target, { labelSelector: target.labelSelector }, target.check, signal);
}

async function watchUntil(
  client: KubeClient,
  target: { info: ResourceInfo; namespace: string | undefined; what: string; onWait?: () => void },
  selector: Record<string, string>,
  judge: (objects: Json[]) => Readiness,
  signal: AbortSignal,
): Promise<void> {
  let observed = "not seen yet";
  /** Judges the current objects: true when ready, throws when they can never be. */
  const settled = (objects: Map<string, Json>): boolean => {
    const state = judge([...objects.values()]);
    observed = state.observed;
    if (state.failed) throw new Error(`${target.what}: ${state.failed}`);
    return state.ready;
  };
  let waiting = false;
  try {
    const path = collectionPath(target.info, target.namespace);
    for (;;) {
      const list = await client.json("GET", path, { query: selector, signal });
      const objects = new Map<string, Json>((list.items ?? []).map((item: Json) => [item.metadata.name, item]));
      if (settled(objects)) return;
      if (!waiting) target.onWait?.();
      waiting = true;
      let done = false;
      let failure: unknown;
      const stream = new AbortController();
      const stop = () => stream.abort();
      signal.addEventListener("abort", stop, { once: true });
      await client
        .watch(path, { ...selector, resourceVersion: list.metadata?.resourceVersion, timeoutSeconds: "60" }, (event) => {
          if (event.type === "DELETED") objects.delete(event.object.metadata.name);
          else if (event.type === "ADDED" || event.type === "MODIFIED") objects.set(event.object.metadata.name, event.object);
          else return;
          try {
            done = settled(objects);
          } catch (error) {
            failure = error;
          }
          if (done || failure) stream.abort();
        }, stream.signal)
        .catch((error) => {
          if (!stream.signal.aborted) throw error;
        })
        .finally(() => signal.removeEventListener("abort", stop));
      if (failure) throw failure;
      if (done) return;
      if (signal.aborted) throw signal.reason;
      // The server ended the watch: list again and carry on.
    }
  } catch (error) {
    if (!signal.aborted) throw error;
    const reason = signal.reason;
    if (reason instanceof DeadlineReached && !reason.silence) throw new WaitTimeout(target.what, observed, reason.timeoutMs);
    throw reason;
  }
}
