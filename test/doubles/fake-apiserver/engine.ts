// What the API server does with a write: admission, server-side apply with field ownership and
// conflicts, dry runs, resourceVersion/generation bookkeeping, and notifying the controllers.
import { randomUUID } from "node:crypto";
import { apiVersionOf, type Kind, type KindRegistry } from "./kinds.ts";
import { clone, equal, fieldPaths, fieldsV1, fromFieldsV1, joinPath, merge, pathText, removePath, valueAt, type Json } from "./apply.ts";
import type { Entry, Store } from "./store.ts";
import { canonicalQuantity, isQuantityField } from "../../../lib/kube/quantity.ts";

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
const unowned = new Set(["apiVersion", "kind", joinPath("metadata", "name"), joinPath("metadata", "namespace")]);
/** Fields the server keeps for itself; a write never sets them and nobody owns them. */
const serverFields = ["managedFields", "resourceVersion", "uid", "creationTimestamp", "generation"];

export type Operation = "Apply" | "Update";

/**
 * managedFields has one entry per manager and operation: server-side apply records `Apply`,
 * every other write (create, update, patch) `Update`, as the API server does.
 */
export const ownerKey = (operation: Operation, manager: string) => `${operation}:${manager}`;
const splitKey = (key: string) => ({ operation: key.slice(0, key.indexOf(":")) as Operation, manager: key.slice(key.indexOf(":") + 1) });

function ownedPaths(object: Json): string[] {
  const copy = clone(object);
  delete copy.status;
  for (const field of serverFields) delete copy.metadata?.[field];
  return fieldPaths(copy).filter((path) => !unowned.has(path));
}

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
    if (!kind.custom) storedQuantities(applied);
    delete applied.status;
    for (const field of serverFields) delete applied.metadata[field];
    if (kind.namespaced) applied.metadata.namespace = namespace;
    const paths = ownedPaths(applied);
    const live = this.store.get(kind, namespace, name);
    const owners = new Map(live?.owners ?? []);
    const self = ownerKey("Apply", manager);

    // A field another manager owns with another value conflicts; with the same value the two
    // share it (both keep it in their managedFields), as structured merge does.
    const conflicts: { owner: string; manager: string; path: string }[] = [];
    for (const [other, owned] of owners) {
      if (other === self) continue;
      for (const path of owned) {
        if (paths.includes(path) && !equal(valueAt(live!.object, path), valueAt(applied, path))) conflicts.push({ owner: other, manager: splitKey(other).manager, path });
      }
    }
    if (conflicts.length > 0 && !force) {
      // As the real server words it: "using <apiVersion>" only for a manager that wrote with an
      // update, not with an apply (apiserver's fieldmanager conflict printing).
      const list = conflicts.map((c) => `conflict with "${c.manager}"${splitKey(c.owner).operation === "Update" ? ` using ${apiVersionOf(kind)}` : ""}: ${pathText(c.path)}`);
      throw new ApiError(
        409,
        "Conflict",
        `Apply failed with ${conflicts.length} conflict${conflicts.length === 1 ? "" : "s"}: ${list.join("\n")}`,
        { causes: conflicts.map((c) => ({ reason: "FieldManagerConflict", message: `conflict with "${c.manager}"`, field: pathText(c.path) })) },
      );
    }

    let object = live ? clone(live.object) : { apiVersion: applied.apiVersion, kind: applied.kind, metadata: {} };
    const othersOwn = (path: string) => [...owners].some(([other, owned]) => other !== self && owned.includes(path));
    for (const path of owners.get(self) ?? []) {
      if (!paths.includes(path) && !othersOwn(path)) removePath(object, path);
    }
    object = merge(object, applied);
    // force: the conflicting fields move to the applier.
    for (const { owner, path } of conflicts) owners.set(owner, owners.get(owner)!.filter((owned) => owned !== path));
    owners.set(self, paths);
    this.hooks.admit(kind, object, live ? "UPDATE" : "CREATE");

    if (live && equal(withoutBookkeeping(live.object), withoutBookkeeping(object)) && sameOwners(live.owners, owners)) {
      return { object: live.object, created: false };
    }
    this.finish(kind, object, live, owners);
    if (dryRun) return { object, created: !live };
    this.save({ kind, object, owners }, live ? "MODIFIED" : "ADDED");
    return { object, created: !live };
  }

  /**
   * A write that is not an apply (create, update, merge or JSON patch) with the whole new object:
   * the manager takes every field it adds or changes, from whoever owned it (no conflicts), and a
   * removed field leaves every manager. managedFields sent with the object, when they differ from
   * the live ones, replace them first: that is how a client rewrites or drops another's entries.
   */
  update(kind: Kind, namespace: string | undefined, name: string, desired: Json, manager: string, dryRun: boolean): { object: Json; created: boolean } {
    const live = this.store.get(kind, namespace, name);
    const object = clone(desired);
    if (!kind.custom) storedQuantities(object);
    object.apiVersion = apiVersionOf(kind);
    object.kind = kind.kind;
    object.metadata = { ...object.metadata, name, ...(kind.namespaced && { namespace }) };
    // ObjectMeta's maps are omitempty: a patch that removes the last label or annotation drops the map.
    for (const map of ["labels", "annotations"]) if (object.metadata[map] && Object.keys(object.metadata[map]).length === 0) delete object.metadata[map];
    if (live) object.status = clone(live.object.status);
    let owners = new Map(live?.owners ?? []);
    const sent = object.metadata.managedFields;
    if (Array.isArray(sent) && live && !equal(sent, live.object.metadata.managedFields)) {
      owners = new Map(sent.filter((entry: Json) => entry.manager).map((entry: Json) => [ownerKey(entry.operation, entry.manager), fromFieldsV1(entry.fieldsV1)]));
    }
    const before = live ? ownedPaths(live.object) : [];
    const after = ownedPaths(object);
    const changed = after.filter((path) => !live || !equal(valueAt(live.object, path), valueAt(object, path)));
    const removed = before.filter((path) => !after.includes(path));
    const self = ownerKey("Update", manager);
    for (const [owner, owned] of owners) owners.set(owner, owned.filter((path) => !removed.includes(path) && !changed.includes(path)));
    owners.set(self, [...new Set([...(owners.get(self) ?? []), ...changed])]);
    this.hooks.admit(kind, object, live ? "UPDATE" : "CREATE");
    if (live && equal(withoutBookkeeping(live.object), withoutBookkeeping(object)) && sameOwners(live.owners, owners)) {
      return { object: live.object, created: false };
    }
    this.finish(kind, object, live, owners);
    if (!dryRun) this.save({ kind, object, owners }, live ? "MODIFIED" : "ADDED");
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
    defaultOnWrite(kind, object, !live);
    const meta = object.metadata;
    meta.uid = live?.object.metadata.uid ?? randomUUID();
    meta.creationTimestamp = live?.object.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, "Z");
    // A Deployment's generation also moves with its annotations (pkg/registry/apps/deployment/
    // strategy.go PrepareForUpdate), which still rolls no pod: only a template change does.
    const annotationsCount = kind.kind === "Deployment" && live && !equal(live.object.metadata.annotations ?? {}, object.metadata.annotations ?? {});
    const generationChanged = !live || annotationsCount || !equal(withoutMetadataAndStatus(live.object), withoutMetadataAndStatus(object));
    meta.generation = (live?.object.metadata.generation ?? 0) + (generationChanged ? 1 : 0);
    meta.resourceVersion = this.store.nextVersion();
    // Entries that own nothing any more are dropped.
    for (const [owner, owned] of owners) if (owned.length === 0) owners.delete(owner);
    meta.managedFields = [...owners].map(([owner, owned]) => ({ ...splitKey(owner), apiVersion: apiVersionOf(kind), time: meta.creationTimestamp, fieldsType: "FieldsV1", fieldsV1: fieldsV1(owned) }));
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
  for (const field of serverFields) delete copy.metadata[field];
  return copy;
}

function withoutMetadataAndStatus(object: Json): Json {
  const { metadata: _metadata, status: _status, ...rest } = object;
  return rest;
}

function sameOwners(a: Map<string, string[]>, b: Map<string, string[]>): boolean {
  const owning = (map: Map<string, string[]>) => [...map].filter(([, owned]) => owned.length > 0);
  if (owning(a).length !== owning(b).length) return false;
  return owning(a).every(([owner, owned]) => equal([...owned].sort(), [...(b.get(owner) ?? [])].sort()));
}

/** Typed objects hold quantities as the server writes them back (`1024Mi` as `1Gi`); custom objects keep their text. */
function storedQuantities(value: Json, path: string[] = []): void {
  if (value === null || typeof value !== "object") return;
  for (const [key, item] of Object.entries(value)) {
    const here = Array.isArray(value) ? path : [...path, key];
    if (typeof item === "string" && isQuantityField(here)) value[key] = canonicalQuantity(item) ?? item;
    else storedQuantities(item, here);
  }
}
