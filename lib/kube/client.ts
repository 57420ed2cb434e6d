// A small Kubernetes API client on top of @kubernetes/client-node's KubeConfig (which handles
// kubeconfig files, contexts, certificates and tokens): JSON requests with retries, and
// streaming watches.
import { request as httpsRequest, Agent, type RequestOptions } from "node:https";
import { request as httpRequest } from "node:http";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { ApiRequestError, defaultRetry, isRetryable, withRetries, type RetryPolicy } from "./retry.ts";

export type Json = any;

export interface RequestInit {
  query?: Record<string, string | undefined>;
  body?: string;
  contentType?: string;
  signal?: AbortSignal;
  /** Give up on a request that has not answered after this long. */
  timeoutMs?: number;
}

export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: Json;
}

export interface KubeClientOptions {
  kubeconfig?: string;
  context?: string;
  retry?: RetryPolicy;
  onRetry?: (error: Error, waitMs: number) => void;
}

/** A request unanswered this long counts as the server having stopped answering. */
const silentAfterMs = 5000;

export class KubeClient {
  /** Every request made, for progress lines and benchmarks. */
  requests = 0;
  /** Start times of the requests awaiting an answer, by request number. */
  private readonly pending = new Map<number, number>();
  /** When the current run of failed answers (5xx, transport errors) began; cleared by an answer. */
  private failingSince: number | undefined;
  private lastFailure: string | undefined;

  private constructor(
    private readonly server: URL,
    private readonly options: RequestOptions,
    private readonly retry: RetryPolicy,
    private readonly onRetry?: (error: Error, waitMs: number) => void,
  ) {}

  static async create(options: KubeClientOptions = {}): Promise<KubeClient> {
    const config = new KubeConfig();
    if (options.kubeconfig) {
      readable(options.kubeconfig, "--kubeconfig");
      parsed([options.kubeconfig], "--kubeconfig", () => config.loadFromFile(options.kubeconfig!));
    } else {
      const fromEnv = process.env.KUBECONFIG?.split(delimiter).filter(Boolean) ?? [];
      fromEnv.forEach((file) => readable(file, "KUBECONFIG"));
      const fallback = join(homedir(), ".kube", "config");
      if (fromEnv.length === 0 && !existsSync(fallback) && !process.env.KUBERNETES_SERVICE_HOST) {
        throw new Error(`no kubeconfig: KUBECONFIG is not set and ${fallback} does not exist; pass --kubeconfig FILE`);
      }
      parsed(fromEnv.length > 0 ? fromEnv : [fallback], fromEnv.length > 0 ? "KUBECONFIG" : "default", () => config.loadFromDefault());
    }
    if (options.context) {
      if (!config.getContextObject(options.context)) throw new Error(`kubeconfig has no context named ${options.context}`);
      config.setCurrentContext(options.context);
    }
    const cluster = config.getCurrentCluster();
    if (!cluster) throw new Error("kubeconfig names no current cluster; pass --kubeconfig or --context");
    const requestOptions: RequestOptions = {};
    await config.applyToHTTPSOptions(requestOptions);
    requestOptions.agent = new Agent({ keepAlive: true, maxSockets: 16, ca: requestOptions.ca, cert: requestOptions.cert, key: requestOptions.key, rejectUnauthorized: requestOptions.rejectUnauthorized });
    return new KubeClient(new URL(cluster.server), requestOptions, options.retry ?? defaultRetry, options.onRetry);
  }

  async json(method: string, path: string, init: RequestInit = {}): Promise<Json> {
    return withRetries(() => this.observed(() => this.once(method, path, init)), this.retry, init.signal, this.onRetry);
  }

  /** The server's address, for messages. */
  get address(): string {
    return this.server.origin;
  }

  /**
   * Whether the server has stopped answering, as far as this client saw: since when its answers
   * failed (5xx, refused, reset, timed out) or a request has waited more than a few seconds.
   */
  silence(now = performance.now()): { forMs: number; lastError?: string } | undefined {
    const overdue = [...this.pending.values()].filter((started) => now - started >= silentAfterMs);
    const since = Math.min(this.failingSince ?? Infinity, ...overdue);
    return Number.isFinite(since) ? { forMs: now - since, lastError: this.lastFailure } : undefined;
  }

  /** Keeps the books silence() reads: every attempt, answered or failed. */
  private async observed<T>(attempt: () => Promise<T>): Promise<T> {
    const id = this.requests + 1;
    const started = performance.now();
    this.pending.set(id, started);
    try {
      const answer = await attempt();
      this.failingSince = undefined;
      return answer;
    } catch (error) {
      if (isRetryable(error)) {
        this.failingSince ??= started;
        this.lastFailure = (error as Error).message;
      } else if (error instanceof ApiRequestError && error.status !== undefined) {
        this.failingSince = undefined;
      }
      throw error;
    } finally {
      this.pending.delete(id);
    }
  }

  /** GET that answers undefined for 404 instead of throwing. */
  async getOrUndefined(path: string, signal?: AbortSignal): Promise<Json | undefined> {
    try {
      return await this.json("GET", path, { signal });
    } catch (error) {
      if (error instanceof ApiRequestError && error.status === 404) return undefined;
      throw error;
    }
  }

  private url(path: string, query: Record<string, string | undefined> = {}): URL {
    const url = new URL(path.replace(/^\//, ""), this.server.href.endsWith("/") ? this.server : `${this.server.href}/`);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
    return url;
  }

  private once(method: string, path: string, init: RequestInit): Promise<Json> {
    this.requests += 1;
    const url = this.url(path, init.query);
    return new Promise((resolve, reject) => {
      const send = url.protocol === "http:" ? httpRequest : httpsRequest;
      const headers: Record<string, string> = { ...(this.options.headers as Record<string, string>), Accept: "application/json" };
      if (init.body !== undefined) headers["Content-Type"] = init.contentType ?? "application/json";
      const req = send(url, { ...this.options, method, headers, signal: init.signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", (error) => reject(transportError(error, method, url)));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const status = res.statusCode ?? 0;
          let body: Json;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = { message: text };
          }
          if (status >= 200 && status < 300) return resolve(body);
          const retryAfter = Number(res.headers["retry-after"]);
          reject(new ApiRequestError(body?.message ?? `${method} ${url.pathname}: HTTP ${status}`, status, body?.reason, undefined, Number.isFinite(retryAfter) ? retryAfter : undefined));
        });
      });
      req.setTimeout(init.timeoutMs ?? 30_000, () => req.destroy(Object.assign(new Error("request timed out"), { code: "ETIMEDOUT" })));
      req.on("error", (error) => reject(init.signal?.aborted ? init.signal.reason : transportError(error, method, url)));
      req.end(init.body);
    });
  }

  /**
   * Streams watch events for a collection from `resourceVersion`; resolves when the server ends
   * the stream or the signal aborts.
   */
  watch(path: string, query: Record<string, string | undefined>, onEvent: (event: WatchEvent) => void, signal: AbortSignal): Promise<void> {
    this.requests += 1;
    const url = this.url(path, { ...query, watch: "1", allowWatchBookmarks: "true" });
    return new Promise((resolve, reject) => {
      const send = url.protocol === "http:" ? httpRequest : httpsRequest;
      const req = send(url, { ...this.options, method: "GET", headers: { ...(this.options.headers as Record<string, string>), Accept: "application/json" }, signal }, (res) => {
        if ((res.statusCode ?? 0) >= 300) {
          res.resume();
          return reject(new ApiRequestError(`watch ${url.pathname}: HTTP ${res.statusCode}`, res.statusCode, undefined, undefined));
        }
        let buffered = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          buffered += chunk;
          let newline: number;
          while ((newline = buffered.indexOf("\n")) >= 0) {
            const line = buffered.slice(0, newline).trim();
            buffered = buffered.slice(newline + 1);
            if (line) onEvent(JSON.parse(line));
          }
        });
        res.on("end", () => resolve());
        res.on("error", (error) => (signal.aborted ? resolve() : reject(transportError(error, "WATCH", url))));
      });
      req.on("error", (error) => (signal.aborted ? resolve() : reject(transportError(error, "WATCH", url))));
      req.end();
    });
  }
}

/** A kubeconfig that cannot be read is named as such (not as the declaration, not as a stack). */
function readable(file: string, from: string): void {
  try {
    readFileSync(file);
  } catch (error) {
    throw new Error(`${file} (${from}): cannot read the kubeconfig (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/**
 * Runs a kubeconfig load; a file that does not parse is named with its line and column (the
 * client's own message has only the position), found among `files` by loading each alone.
 */
function parsed(files: string[], from: string, load: () => void): void {
  try {
    load();
  } catch (error) {
    for (const file of files) {
      try {
        new KubeConfig().loadFromFile(file);
      } catch (fileError) {
        const { mark, reason, message } = fileError as { mark?: { line: number; column: number }; reason?: string; message: string };
        if (mark) throw new Error(`${file}:${mark.line + 1}:${mark.column + 1} (${from}): the kubeconfig is not valid YAML: ${reason ?? message}`);
        throw new Error(`${file} (${from}): not a usable kubeconfig: ${message.split("\n")[0]}`);
      }
    }
    throw error;
  }
}

function transportError(error: Error & { code?: string }, method: string, url: URL): ApiRequestError {
  return new ApiRequestError(`${method} ${url.pathname}: ${error.message}`, undefined, undefined, error.code ?? "ECONNRESET");
}
