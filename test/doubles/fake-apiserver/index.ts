// A fake Kubernetes API server over HTTPS on 127.0.0.1 that @kubernetes/client-node and kubectl
// talk to unchanged: discovery, get/list/watch, server-side apply with managedFields and
// conflicts, dry runs, deletes, simulated controllers and webhooks, and injected faults.
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parse as parseYaml } from "yaml";
import { KindRegistry, apiVersionOf, type Kind } from "./kinds.ts";
import { Store } from "./store.ts";
import { ApiError, Engine } from "./engine.ts";
import { Controllers, defaultDelays, type Delays, type GateEvent, type GateKind, type HoldableGate } from "./controllers.ts";
import { admit } from "./admission.ts";
import { openapiDocument, openapiRoot } from "./openapi.ts";
import { clone, type Json } from "./apply.ts";
import { jsonPatch, mergePatch } from "./patch.ts";

export type { GateEvent, GateKind, HoldableGate };

export interface FaultRule {
  method?: string;
  path?: string | RegExp;
  nth?: number;
  times?: number;
  kind: 429 | 500 | 503 | "reset" | "timeout";
  retryAfterSeconds?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  dryRun: boolean;
  mutating: boolean;
  status: number;
  at: number;
  watch: boolean;
}

export interface FakeApiServerOptions {
  delays?: Partial<Delays>;
  faults?: FaultRule[];
}

export interface FakeApiServer {
  url: string;
  caPem: string;
  kubeconfig: string;
  writeKubeconfig(dir: string): string;
  requests: RecordedRequest[];
  events: GateEvent[];
  clearLog(): void;
  /** Holds a simulated controller step until release(): tests order events instead of sleeping. */
  hold(gate: HoldableGate): void;
  /** Runs the held step's queued work now, synchronously. */
  release(gate: HoldableGate): void;
  /** Resolves at the next time this gate turns true (for "Kind/namespace/name" when given). */
  nextGate(kind: GateKind, object?: string): Promise<GateEvent>;
  /** Resolves when a request matching `match` has been received (a watch: and is registered). */
  nextRequest(match: (request: RecordedRequest) => boolean): Promise<RecordedRequest>;
  addFault(rule: FaultRule): void;
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): Record<string, any> | undefined;
  applyAs(manager: string, obj: Record<string, any>, force?: boolean): void;
  /** Creates or replaces an object with a non-apply write (operation Update), as Helm 3 does. */
  updateAs(manager: string, obj: Record<string, any>): void;
  /** Every stored object of a kind, e.g. list("apps/v1", "ReplicaSet"). */
  list(apiVersion: string, kind: string): Record<string, any>[];
  close(): Promise<void>;
}

const tls = (file: string) => readFileSync(new URL(`./tls/${file}`, import.meta.url), "utf8");

export async function startFakeApiServer(options: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  const kinds = new KindRegistry();
  const store = new Store();
  let controllers: Controllers;
  const engine = new Engine(store, kinds, {
    admit: (kind, object, operation) => admit(store, kind, object, operation),
    changed: (entry, type) => {
      if (type === "DELETED" && entry.kind.kind === "CustomResourceDefinition") kinds.removeCrd(entry.object);
      controllers.changed(entry, type);
    },
  });
  controllers = new Controllers(engine, { ...defaultDelays, ...options.delays });
  // The namespaces a new cluster starts with, as the API server creates them.
  for (const name of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
    engine.update(kinds.byKind("v1", "Namespace")!, undefined, name, { apiVersion: "v1", kind: "Namespace", metadata: { name } }, "kube-apiserver", false);
  }
  const faults = (options.faults ?? []).map((rule) => ({ rule, seen: 0 }));
  const requests: RecordedRequest[] = [];
  const requestWaiters = new Set<{ match: (request: RecordedRequest) => boolean; resolve: (request: RecordedRequest) => void }>();
  const sockets = new Set<Duplex>();
  const closers = new Set<() => void>();

  const server: Server = createServer({ cert: tls("server.pem"), key: tls("server-key.pem") }, (req, res) => {
    handle(req, res).catch((err) => {
      const error = err instanceof ApiError ? err : new ApiError(500, "InternalError", String(err?.stack ?? err));
      respond(req, res, error.code, error.status());
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const url = `https://127.0.0.1:${port}`;
  const caPem = tls("ca.pem");
  const kubeconfig = [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: fake",
    "  cluster:",
    `    server: ${url}`,
    `    certificate-authority-data: ${Buffer.from(caPem).toString("base64")}`,
    "users:",
    "- name: fake",
    "  user:",
    "    token: fake-token",
    "contexts:",
    "- name: fake",
    "  context:",
    "    cluster: fake",
    "    user: fake",
    "current-context: fake",
    "",
  ].join("\n");

  function record(req: IncomingMessage, status: number): void {
    const { pathname, searchParams } = new URL(req.url ?? "/", url);
    const query = Object.fromEntries(searchParams);
    const dryRun = query.dryRun === "All";
    const method = req.method ?? "GET";
    requests.push({
      method,
      path: pathname,
      query,
      dryRun,
      mutating: ["POST", "PUT", "PATCH", "DELETE"].includes(method) && !dryRun,
      status,
      at: performance.now(),
      watch: query.watch === "1" || query.watch === "true",
    });
    const recorded = requests[requests.length - 1]!;
    for (const waiter of requestWaiters) {
      if (!waiter.match(recorded)) continue;
      requestWaiters.delete(waiter);
      // After the handler has finished this tick: a watch is registered by then.
      queueMicrotask(() => waiter.resolve(recorded));
    }
  }

  function respond(req: IncomingMessage, res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}): void {
    record(req, status);
    res.writeHead(status, { "Content-Type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  }

  /** Returns true when a fault was injected for this request. */
  function injectFault(req: IncomingMessage, res: ServerResponse): boolean {
    const path = new URL(req.url ?? "/", url).pathname;
    for (const fault of faults) {
      const { rule } = fault;
      if (rule.method && rule.method !== req.method) continue;
      if (rule.path && !(typeof rule.path === "string" ? path.includes(rule.path) : rule.path.test(path))) continue;
      fault.seen += 1;
      const first = rule.nth ?? 1;
      if (fault.seen < first || fault.seen >= first + (rule.times ?? 1)) continue;
      if (rule.kind === "reset") {
        record(req, 0);
        req.socket.destroy();
      } else if (rule.kind === "timeout") {
        record(req, 0);
        const timer = setTimeout(() => req.socket.destroy(), 30_000);
        closers.add(() => clearTimeout(timer));
      } else {
        const message = rule.kind === 429 ? "Too many requests, please try again later." : rule.kind === 503 ? "service unavailable" : "Internal error occurred: injected fault";
        const reason = rule.kind === 429 ? "TooManyRequests" : rule.kind === 503 ? "ServiceUnavailable" : "InternalError";
        respond(req, res, rule.kind, { kind: "Status", apiVersion: "v1", status: "Failure", message, reason, code: rule.kind }, rule.kind === 429 ? { "Retry-After": String(rule.retryAfterSeconds ?? 1) } : {});
      }
      return true;
    }
    return false;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (injectFault(req, res)) return;
    const { pathname, searchParams } = new URL(req.url ?? "/", url);
    const parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);
    if (pathname === "/version") return respond(req, res, 200, { major: "1", minor: "36", gitVersion: "v1.36.3", platform: "linux/amd64" });
    if (pathname === "/api") return respond(req, res, 200, { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: `127.0.0.1:${port}` }] });
    if (pathname === "/apis") return respond(req, res, 200, groupList());
    if (parts[0] === "openapi" && parts[1] === "v3") {
      const document = parts.length === 2 ? openapiRoot(kinds.all()) : openapiDocument(kinds.all(), parts.slice(2).join("/"));
      if (document) return respond(req, res, 200, document);
    }
    if (parts[0] === "openapi") throw new ApiError(404, "NotFound", "the server could not find the requested resource");
    const route = resolve(parts);
    if (!route) throw new ApiError(404, "NotFound", "the server could not find the requested resource");
    if ("resources" in route) return respond(req, res, 200, route.resources);
    const { kind, namespace, name, subresource } = route;
    const query = Object.fromEntries(searchParams);
    const method = req.method ?? "GET";
    if (method === "GET" && !name) {
      if (query.watch === "1" || query.watch === "true") return watch(req, res, kind, namespace, query);
      return respond(req, res, 200, list(kind, namespace, query));
    }
    if (method === "POST" && !name) {
      const object = JSON.parse(body);
      if (store.get(kind, namespace, object.metadata?.name)) throw new ApiError(409, "AlreadyExists", `${kind.plural}${kind.group ? `.${kind.group}` : ""} "${object.metadata?.name}" already exists`);
      const result = engine.update(kind, namespace, object.metadata?.name, object, query.fieldManager ?? "unknown", query.dryRun === "All");
      return respond(req, res, 201, versioned(result.object, kind));
    }
    if (!name) throw new ApiError(405, "MethodNotAllowed", `${method} on a collection is not supported here`);
    if (method === "GET") {
      const entry = store.get(kind, namespace, name);
      if (!entry) throw notFound(kind, name);
      return respond(req, res, 200, versioned(entry.object, kind));
    }
    if (method === "PATCH" && !subresource) {
      const type = String(req.headers["content-type"] ?? "");
      const patches: Record<string, (live: Json, patch: Json) => Json> = { "application/merge-patch+json": mergePatch, "application/json-patch+json": jsonPatch };
      const patcher = patches[type.split(";")[0]!];
      if (patcher) {
        const entry = store.get(kind, namespace, name);
        if (!entry) throw notFound(kind, name);
        const patch = JSON.parse(body);
        // A resourceVersion in the patch is a precondition (optimistic concurrency), as on the real server.
        const precondition = Array.isArray(patch) ? undefined : patch?.metadata?.resourceVersion;
        if (precondition !== undefined && precondition !== entry.object.metadata.resourceVersion) {
          throw new ApiError(409, "Conflict", `Operation cannot be fulfilled on ${kind.plural}${kind.group ? `.${kind.group}` : ""} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, group: kind.group, kind: kind.plural });
        }
        const result = engine.update(kind, namespace, name, patcher(entry.object, patch), query.fieldManager ?? "unknown", query.dryRun === "All");
        return respond(req, res, 200, versioned(result.object, kind));
      }
      if (!type.startsWith("application/apply-patch")) throw new ApiError(415, "UnsupportedMediaType", `the fake API server supports apply, merge and JSON patches, got ${type}`);
      if (!query.fieldManager) throw new ApiError(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
      const config = parseYaml(body);
      const result = engine.apply(kind, namespace, name, config, query.fieldManager, query.force === "true", query.dryRun === "All");
      return respond(req, res, result.created ? 201 : 200, versioned(result.object, kind));
    }
    if (method === "DELETE") {
      const entry = store.get(kind, namespace, name);
      if (!entry) throw notFound(kind, name);
      if (query.dryRun !== "All") deleteWithDependents(entry);
      return respond(req, res, 200, { kind: "Status", apiVersion: "v1", status: "Success", details: { name, kind: kind.plural } });
    }
    throw new ApiError(405, "MethodNotAllowed", `${method} ${pathname} is not supported by the fake API server`);
  }

  function deleteWithDependents(entry: { kind: Kind; object: Json }): void {
    if (entry.kind.kind === "Namespace") {
      for (const child of store.all()) if (child.kind.namespaced && child.object.metadata.namespace === entry.object.metadata.name) engine.remove(child);
    }
    if (entry.kind.kind === "CustomResourceDefinition") {
      for (const child of store.all()) if (child.kind.group === entry.object.spec.group && child.kind.plural === entry.object.spec.names.plural) engine.remove(child);
    }
    // The garbage collector removes what the object owns (ReplicaSets, ControllerRevisions).
    for (const child of store.all()) if ((child.object.metadata.ownerReferences ?? []).some((ref: Json) => ref.uid === entry.object.metadata.uid)) engine.remove(child);
    const live = store.get(entry.kind, entry.object.metadata.namespace, entry.object.metadata.name);
    if (live) engine.remove(live);
  }

  function resolve(parts: string[]): { resources: Json } | { kind: Kind; namespace?: string; name?: string; subresource?: string } | undefined {
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === "api" && parts[1] === "v1") [group, version, rest] = ["", "v1", parts.slice(2)];
    else if (parts[0] === "apis" && parts.length >= 3) [group, version, rest] = [parts[1]!, parts[2]!, parts.slice(3)];
    else return undefined;
    if (rest.length === 0) return { resources: resourceList(group, version) };
    let namespace: string | undefined;
    if (rest[0] === "namespaces" && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const kind = kinds.byPlural(group, version, rest[0]!);
    if (!kind) return undefined;
    if (namespace !== undefined && !kind.namespaced) return undefined;
    return { kind, namespace, name: rest[1], subresource: rest[2] };
  }

  function groupList(): Json {
    const groups = new Map<string, string[]>();
    for (const kind of kinds.all()) if (kind.group) groups.set(kind.group, [...new Set([...(groups.get(kind.group) ?? []), kind.version])]);
    return {
      kind: "APIGroupList",
      apiVersion: "v1",
      groups: [...groups].map(([name, versions]) => ({
        name,
        versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
        preferredVersion: { groupVersion: `${name}/${versions[versions.length - 1]}`, version: versions[versions.length - 1] },
      })),
    };
  }

  function resourceList(group: string, version: string): Json {
    const found = kinds.all().filter((kind) => kind.group === group && kind.version === version);
    if (found.length === 0) throw new ApiError(404, "NotFound", "the server could not find the requested resource");
    return {
      kind: "APIResourceList",
      apiVersion: "v1",
      groupVersion: group ? `${group}/${version}` : version,
      resources: found.flatMap((kind) => [
        {
          name: kind.plural,
          singularName: kind.kind.toLowerCase(),
          namespaced: kind.namespaced,
          kind: kind.kind,
          verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
          ...(shortNames[kind.plural] && { shortNames: shortNames[kind.plural] }),
        },
        { name: `${kind.plural}/status`, singularName: "", namespaced: kind.namespaced, kind: kind.kind, verbs: ["get", "patch", "update"] },
      ]),
    };
  }

  function list(kind: Kind, namespace: string | undefined, query: Record<string, string>): Json {
    const fields = selectorPairs(query.fieldSelector);
    const name = fields.get("metadata.name");
    const labels = [...selectorPairs(query.labelSelector)];
    const items = store
      .list(kind, fields.get("metadata.namespace") ?? namespace)
      .map((entry) => versioned(entry.object, kind))
      .filter((object) => !name || object.metadata.name === name)
      .filter((object) => labels.every(([key, value]) => object.metadata.labels?.[key!] === value))
      .map((object) => (kind.custom ? object : listItem(object)));
    return { kind: `${kind.kind}List`, apiVersion: apiVersionOf(kind), metadata: { resourceVersion: String(store.resourceVersion) }, items };
  }

  /**
   * A watch as client-go's reflector uses it: from a resourceVersion (replaying what happened
   * since), or with sendInitialEvents=true (a WatchList: every current object as ADDED, then a
   * BOOKMARK annotated k8s.io/initial-events-end), with field selectors on metadata.name and
   * metadata.namespace and equality label selectors, bookmarks when allowWatchBookmarks is set,
   * and the stream closed after timeoutSeconds.
   */
  function watch(req: IncomingMessage, res: ServerResponse, kind: Kind, namespace: string | undefined, query: Record<string, string>): void {
    record(req, 200);
    res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked" });
    const fields = selectorPairs(query.fieldSelector);
    const labels = selectorPairs(query.labelSelector);
    const name = fields.get("metadata.name");
    const scope = fields.get("metadata.namespace") ?? namespace;
    const initialEvents = query.sendInitialEvents === "true";
    const since = !initialEvents && query.resourceVersion && query.resourceVersion !== "0" ? Number(query.resourceVersion) : undefined;
    const write = (event: Json) => res.write(JSON.stringify(event) + "\n");
    if (since !== undefined && since < store.oldestWatchable) {
      // As the API server does: 200, then one ERROR event carrying 410 Expired; the client relists.
      write({ type: "ERROR", object: { kind: "Status", apiVersion: "v1", status: "Failure", message: `too old resource version: ${since} (${store.oldestWatchable})`, reason: "Expired", code: 410 } });
      res.end();
      return;
    }
    const bookmark = (annotations?: Record<string, string>) =>
      write({ type: "BOOKMARK", object: { kind: kind.kind, apiVersion: apiVersionOf(kind), metadata: { resourceVersion: String(store.resourceVersion), ...(annotations && { annotations }) } } });
    const stop = store.watch(
      {
        kind,
        namespace: scope,
        name,
        labels: [...labels],
        send: (type, object) => write({ type, object: versioned(object, kind) }),
      },
      since,
    );
    if (initialEvents) bookmark({ "k8s.io/initial-events-end": "true" });
    const ticker = query.allowWatchBookmarks === "true" ? setInterval(() => bookmark(), 1000) : undefined;
    ticker?.unref();
    const close = () => {
      stop();
      if (ticker) clearInterval(ticker);
      res.end();
    };
    closers.add(close);
    req.on("close", () => {
      stop();
      if (ticker) clearInterval(ticker);
      closers.delete(close);
    });
    if (query.timeoutSeconds) setTimeout(close, Number(query.timeoutSeconds) * 1000).unref();
  }

  return {
    url,
    caPem,
    kubeconfig,
    writeKubeconfig(dir) {
      const path = join(dir, "kubeconfig");
      writeFileSync(path, kubeconfig, { mode: 0o600 });
      return path;
    },
    requests,
    events: controllers.events,
    clearLog() {
      requests.length = 0;
      controllers.events.length = 0;
    },
    hold: (gate) => controllers.hold(gate),
    release: (gate) => controllers.release(gate),
    nextGate: (kind, object) => controllers.next(kind, object),
    nextRequest: (match) => new Promise((resolve) => requestWaiters.add({ match, resolve })),
    addFault(rule) {
      faults.push({ rule, seen: 0 });
    },
    get(apiVersion, kindName, namespace, name) {
      const kind = kinds.byKind(apiVersion, kindName) ?? kinds.all().find((k) => k.kind === kindName && apiVersion.startsWith(k.group));
      const entry = kind && store.get(kind, namespace, name);
      return entry ? clone(entry.object) : undefined;
    },
    applyAs(manager, obj, force = false) {
      const kind = kinds.byKind(obj.apiVersion, obj.kind);
      if (!kind) throw new Error(`unknown kind ${obj.apiVersion} ${obj.kind}`);
      engine.apply(kind, obj.metadata.namespace, obj.metadata.name, obj, manager, force, false);
    },
    updateAs(manager, obj) {
      const kind = kinds.byKind(obj.apiVersion, obj.kind);
      if (!kind) throw new Error(`unknown kind ${obj.apiVersion} ${obj.kind}`);
      engine.update(kind, obj.metadata.namespace, obj.metadata.name, obj, manager, false);
    },
    list(apiVersion, kindName) {
      const kind = kinds.byKind(apiVersion, kindName);
      return kind ? store.list(kind).map((entry) => clone(entry.object)) : [];
    },
    async close() {
      controllers.stop();
      for (const close of closers) close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const shortNames: Record<string, string[]> = {
  namespaces: ["ns"], configmaps: ["cm"], services: ["svc"], deployments: ["deploy"], daemonsets: ["ds"],
  serviceaccounts: ["sa"], customresourcedefinitions: ["crd", "crds"], ingresses: ["ing"],
};

function notFound(kind: Kind, name: string): ApiError {
  return new ApiError(404, "NotFound", `${kind.plural}${kind.group ? `.${kind.group}` : ""} "${name}" not found`, { name, group: kind.group, kind: kind.plural });
}

/** Objects are stored once per group; each served version presents its own apiVersion. */
function versioned(object: Json, kind: Kind): Json {
  return object.apiVersion === apiVersionOf(kind) ? object : { ...object, apiVersion: apiVersionOf(kind) };
}

/**
 * A built-in kind's list is typed (a DeploymentList of Deployments): the real server names the
 * kind once, on the list, and its items carry no kind or apiVersion. Watch events and GETs do.
 */
function listItem(object: Json): Json {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = object;
  return rest;
}

/** `a=b,c=d` (also `a==b`) as a map; set-based selectors are not supported by the fake. */
function selectorPairs(selector: string | undefined): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const part of (selector ?? "").split(",").filter(Boolean)) {
    const [key, value] = part.split(/==?/);
    if (key !== undefined && value !== undefined) pairs.set(key.trim(), value.trim());
  }
  return pairs;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
