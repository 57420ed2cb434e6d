// Which API failures are worth retrying, and how long to wait: bounded exponential backoff with
// jitter, or the server's Retry-After when it gives one.

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const defaultRetry: RetryPolicy = { attempts: 8, baseMs: 100, maxMs: 5000 };

const retryableStatus = new Set([429, 500, 502, 503, 504]);
const retryableCodes = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ESOCKETTIMEDOUT", "UND_ERR_SOCKET"]);

/** A failed request: an HTTP status with the API's Status body, or a transport error code. */
export class ApiRequestError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly reason: string | undefined,
    readonly code: string | undefined,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "ApiRequestError";
  }
}

/**
 * 5xx answers are retried except admission failures: "failed calling webhook" is a readiness
 * question the webhook gate answers, not a transient fault.
 */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof ApiRequestError)) return false;
  if (error.code !== undefined) return retryableCodes.has(error.code);
  if (error.status === undefined || !retryableStatus.has(error.status)) return false;
  return !isWebhookFailure(error);
}

export function isWebhookFailure(error: unknown): boolean {
  return error instanceof Error && /failed calling webhook/.test(error.message);
}

/** Milliseconds before attempt `attempt` (1-based retry count); `random` in [0, 1). */
export function backoffMs(policy: RetryPolicy, attempt: number, retryAfterSeconds: number | undefined, random: number): number {
  if (retryAfterSeconds !== undefined) return Math.min(retryAfterSeconds * 1000, 60_000);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export async function withRetries<T>(work: () => Promise<T>, policy: RetryPolicy, signal?: AbortSignal, onRetry?: (error: Error, waitMs: number) => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isRetryable(error) || attempt >= policy.attempts || signal?.aborted) throw error;
      const wait = backoffMs(policy, attempt, (error as ApiRequestError).retryAfterSeconds, Math.random());
      onRetry?.(error as Error, wait);
      await sleep(wait, signal);
    }
  }
}
