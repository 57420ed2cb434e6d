// The deploy's deadline (--timeout bounds the whole run: every wait, retry and request), and a
// timer for any length: Node's setTimeout fires at once for 2^31 ms (24.8 days) or more, with a
// TimeoutOverflowWarning, so longer waits are chained.

/** The longest single setTimeout Node honours. */
export const maxTimerMs = 2 ** 31 - 1;

/** Calls `callback` after `ms` (any finite length); returns a function that cancels it. */
export function afterMs(ms: number, callback: () => void, now: () => number = () => performance.now()): () => void {
  const due = now() + ms;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const left = due - now();
    timer = left <= maxTimerMs ? setTimeout(callback, Math.max(0, left)) : setTimeout(arm, maxTimerMs);
  };
  arm();
  return () => clearTimeout(timer);
}

/** 15s, 5m, 1h30m: a duration as people write it. */
export function shortDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const parts: [number, string][] = [[Math.floor(seconds / 3600), "h"], [Math.floor((seconds % 3600) / 60), "m"], [seconds % 60, "s"]];
  return parts.filter(([amount]) => amount > 0).map(([amount, unit]) => `${amount}${unit}`).join("") || "0s";
}

/** Why the run stopped at its deadline: what it was waiting for, or the API server falling silent. */
export class DeadlineReached extends Error {
  constructor(
    readonly timeoutMs: number,
    /** Set when the API server had stopped answering: for how long, and its last failure. */
    readonly silence?: { server: string; forMs: number; lastError?: string },
  ) {
    super(
      silence
        ? `the API server at ${silence.server} stopped answering: no answer for ${shortDuration(silence.forMs)}${silence.lastError ? ` (last: ${silence.lastError})` : ""}; the deploy gave up at its --timeout of ${shortDuration(timeoutMs)}`
        : `the deploy's --timeout of ${shortDuration(timeoutMs)} ran out`,
    );
    this.name = "DeadlineReached";
  }
}

/**
 * A signal that aborts at `deadlineAt` (performance.now() time) with the reason `why()` gives
 * then; `cancel` stops its timer once the run is over.
 */
export function deadlineSignal(deadlineAt: number, why: () => Error): { signal: AbortSignal; cancel: () => void } {
  const controller = new AbortController();
  const cancel = afterMs(deadlineAt - performance.now(), () => controller.abort(why()));
  return { signal: controller.signal, cancel };
}
