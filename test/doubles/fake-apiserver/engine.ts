// What the API server does with a write: admission, server-side apply with field ownership and
// conflicts, dry runs, resourceVersion/generation bookkeeping, and notifying the controllers.
import { randomUUID } from "node:crypto";
import { apiVersionOf, type Kind, type KindRegistry } from "./kinds.ts";
import { clone, equal, fieldPaths, fieldsV1, merge, removePath, valueAt, type Json } from "./apply.ts";
import type { Entry, Store } from "./store.ts";

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Json,
  ) {
    super(message);
  }

  status(): Json {
    return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: this.message, reason: this.reason, code: this.code, ...(this.details && { details: this.details }) };
  }
}

/** Identity fields are never owned: they name the object rather than configure it. */
const unowned = new Set(["apiVersion", "kind", "metadata.name", "metadata.namespace"]);

export interface Hooks {
  /** Admission: throws ApiError to refuse a write. */
  admit(kind: Kind, object: Json, operation: "CREATE" | "UPDATE" | "DELETE"): void;
  /** Called after every stored change. */
  changed(entry: Entry, type: "ADDED" | "MODIFIED" | "DELETED"): void;
}

export class Engine {
  constructor(
    readonly store: Store,
    readonly kinds: KindRegistry,
    private readonly hooks: Hooks,
  ) {}

  apply(kind: Kind, namespace: string | undefined, name: string, config: Json, manager: string, force: boolean, dryRun: boolean): { object: Json; created: boolean } {
    if (!config || typeof config !== "object") throw new ApiError(400, "BadRequest", "the body of an apply must be an object");
    if (config.kind !== kind.kind || config.apiVersion !== apiVersionOf(kind)) {
      throw new ApiError(400, "BadRequest", `apply of ${config.apiVersion}/${config.kind} sent to the ${apiVersionOf(kind)} ${kind.plural} endpoint`);
    }
    if (config.metadata?.name !== name) throw new ApiError(400, "BadRequest", `metadata.name ${config.metadata?.name} does not match ${name}`);
    if (kind.namespaced && namespace && !this.store.get(this.kinds.byKind("v1", "Namespace")!, undefined, namespace)) {
      throw new ApiError(404, "NotFound", `namespaces "${namespace}" not found`, { name: namespace, kind: "namespaces" });
    }
    const applied = clone(config);
    delete applied.status;
    for (const field of ["managedFields", "resourceVersion", "uid", "creationTimestamp", "generation"]) delete applied.metadata[field];
    if (kind.namespaced) applied.metadata.namespace = namespace;
    const paths = fieldPaths(applied).filter((path) => !unowned.has(path));
    const live = this.store.get(kind, namespace, name);
    const owners = new Map(live?.owners ?? []);

    const conflicts: { manager: string; path: string }[] = [];
    for (const [other, owned] of owners) {
      if (other === manager) continue;
      for (const path of owned) {
        if (paths.includes(path) && !equal(valueAt(live!.object, path), valueAt(applied, path))) conflicts.push({ manager: other, path });
      }
    }
    if (conflicts.length > 0 && !force) {
      // The real server adds "using <apiVersion>" only for a manager that applied another version;
      // the fake serves one version per kind.
      const list = conflicts.map((c) => `conflict with "${c.manager}": .${c.path}`);
      throw new ApiError(
        409,
        "Conflict",
        `Apply failed with ${conflicts.length} conflict${conflicts.length === 1 ? "" : "s"}: ${list.join("\n")}`,
        { causes: conflicts.map((c) => ({ reason: "FieldManagerConflict", message: `conflict with "${c.manager}"`, field: `.${c.path}` })) },
      );
    }

    let object = live ? clone(live.object) : { apiVersion: applied.apiVersion, kind: applied.kind, metadata: {} };
    const othersOwn = (path: string) => [...owners].some(([other, owned]) => other !== manager && owned.includes(path));
    for (const path of owners.get(manager) ?? []) {
      if (!paths.includes(path) && !othersOwn(path)) removePath(object, path);
    }
    object = merge(object, applied);
    defaultOnWrite(kind, object, !live);
    for (const { manager: other, path } of conflicts) owners.set(other, owners.get(other)!.filter((owned) => owned !== path));
    owners.set(manager, paths);
    this.hooks.admit(kind, object, live ? "UPDATE" : "CREATE");

    if (live && equal(withoutBookkeeping(live.object), withoutBookkeeping(object)) && sameOwners(live.owners, owners)) {
      return { object: live.object, created: false };
    }
    this.finish(kind, object, live, owners);
    if (dryRun) return { object, created: !live };
    this.save({ kind, object, owners }, live ? "MODIFIED" : "ADDED");
    return { object, created: !live };
  }

  /** Status written by a simulated controller (a status subresource update). */
  setStatus(entry: Entry, status: Json): void {
    if (equal(entry.object.status, status)) return;
    const object = { ...clone(entry.object), status };
    object.metadata.resourceVersion = this.store.nextVersion();
    this.save({ ...entry, object }, "MODIFIED");
  }

  remove(entry: Entry): void {
    this.hooks.admit(entry.kind, entry.object, "DELETE");
    this.store.remove(entry);
    this.hooks.changed(entry, "DELETED");
  }

  private finish(kind: Kind, object: Json, live: Entry | undefined, owners: Map<string, string[]>): void {
    const meta = object.metadata;
    meta.uid = live?.object.metadata.uid ?? randomUUID();
    meta.creationTimestamp = live?.object.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, "Z");
    const generationChanged = !live || !equal(withoutMetadataAndStatus(live.object), withoutMetadataAndStatus(object));
    meta.generation = (live?.object.metadata.generation ?? 0) + (generationChanged ? 1 : 0);
    meta.resourceVersion = this.store.nextVersion();
    meta.managedFields = [...owners]
      .filter(([, owned]) => owned.length > 0)
      .map(([manager, owned]) => ({ manager, operation: "Apply", apiVersion: apiVersionOf(kind), time: meta.creationTimestamp, fieldsType: "FieldsV1", fieldsV1: fieldsV1(owned) }));
  }

  private save(entry: Entry, type: "ADDED" | "MODIFIED"): void {
    this.store.put(entry, type);
    this.hooks.changed(entry, type);
  }
}

/** What the real registry strategies do to every write of these kinds. */
function defaultOnWrite(kind: Kind, object: Json, created: boolean): void {
  if (kind.kind === "Namespace" && apiVersionOf(kind) === "v1") {
    // pkg/registry/core/namespace/strategy.go: Active from creation, the name label enforced.
    object.metadata.labels = { ...object.metadata.labels, "kubernetes.io/metadata.name": object.metadata.name };
    if (created) object.spec = { finalizers: ["kubernetes"], ...object.spec };
    if (created) object.status = { phase: "Active" };
  }
  if (kind.kind === "Secret" && apiVersionOf(kind) === "v1" && object.stringData) {
    // pkg/registry/core/secret/strategy.go: stringData is folded into data and never stored.
    const folded = Object.fromEntries(Object.entries(object.stringData as Record<string, string>).map(([key, value]) => [key, Buffer.from(value).toString("base64")]));
    object.data = { ...object.data, ...folded };
    delete object.stringData;
  }
}

function withoutBookkeeping(object: Json): Json {
  const copy = clone(object);
  for (const field of ["managedFields", "resourceVersion", "generation", "uid", "creationTimestamp"]) delete copy.metadata[field];
  return copy;
}

function withoutMetadataAndStatus(object: Json): Json {
  const { metadata: _metadata, status: _status, ...rest } = object;
  return rest;
}

function sameOwners(a: Map<string, string[]>, b: Map<string, string[]>): boolean {
  if (a.size !== b.size) return false;
  return [...a].every(([manager, owned]) => equal([...owned].sort(), [...(b.get(manager) ?? [])].sort()));
}
