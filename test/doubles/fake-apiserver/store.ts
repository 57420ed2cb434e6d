// Objects by resource identity, a global resourceVersion, and watch fan-out with a short
// history so a watch started from a list's resourceVersion misses nothing.
import type { Kind } from "./kinds.ts";
import { clone, type Json } from "./apply.ts";

export interface Entry {
  kind: Kind;
  object: Json;
  /** `Apply:manager` or `Update:manager` (see ownerKey) -> leaf paths it owns. */
  owners: Map<string, string[]>;
}

export type EventType = "ADDED" | "MODIFIED" | "DELETED";

interface Watcher {
  kind: Kind;
  namespace?: string;
  name?: string;
  /** A label selector of key=value pairs, as in the list. */
  labels?: string[][];
  send(type: EventType, object: Json): void;
}

export function identity(kind: Kind, namespace: string | undefined, name: string): string {
  return `${kind.group}/${kind.plural}/${kind.namespaced ? namespace ?? "" : ""}/${name}`;
}

export class Store {
  private readonly entries = new Map<string, Entry>();
  private readonly watchers = new Set<Watcher>();
  private readonly history: { rv: number; kind: Kind; type: EventType; object: Json }[] = [];
  private rv = 1000;

  get resourceVersion(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch can still start from (the history is bounded). */
  get oldestWatchable(): number {
    return this.history.length < 5000 ? 0 : (this.history[0]?.rv ?? this.rv) - 1;
  }

  nextVersion(): string {
    return String(++this.rv);
  }

  get(kind: Kind, namespace: string | undefined, name: string): Entry | undefined {
    return this.entries.get(identity(kind, namespace, name));
  }

  list(kind: Kind, namespace?: string): Entry[] {
    return [...this.entries.values()].filter(
      (entry) => entry.kind.group === kind.group && entry.kind.plural === kind.plural && (namespace === undefined || entry.object.metadata.namespace === namespace),
    );
  }

  all(): Entry[] {
    return [...this.entries.values()];
  }

  put(entry: Entry, type: EventType): void {
    this.entries.set(identity(entry.kind, entry.object.metadata.namespace, entry.object.metadata.name), entry);
    this.emit(entry.kind, type, entry.object);
  }

  remove(entry: Entry): void {
    this.entries.delete(identity(entry.kind, entry.object.metadata.namespace, entry.object.metadata.name));
    this.emit(entry.kind, "DELETED", { ...entry.object, metadata: { ...entry.object.metadata, resourceVersion: this.nextVersion() } });
  }

  watch(watcher: Watcher, sinceVersion: number | undefined): () => void {
    if (sinceVersion === undefined) {
      for (const entry of this.list(watcher.kind, watcher.namespace)) {
        if (matches(watcher, entry.kind, entry.object)) watcher.send("ADDED", entry.object);
      }
    } else {
      for (const event of this.history) {
        if (event.rv > sinceVersion && matches(watcher, event.kind, event.object)) watcher.send(event.type, event.object);
      }
    }
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  private emit(kind: Kind, type: EventType, object: Json): void {
    const copy = clone(object);
    this.history.push({ rv: Number(copy.metadata.resourceVersion), kind, type, object: copy });
    if (this.history.length > 5000) this.history.shift();
    for (const watcher of this.watchers) if (matches(watcher, kind, copy)) watcher.send(type, copy);
  }
}

function matches(watcher: Watcher, kind: Kind, object: Json): boolean {
  return (
    watcher.kind.group === kind.group &&
    watcher.kind.plural === kind.plural &&
    (watcher.namespace === undefined || object.metadata.namespace === watcher.namespace) &&
    (watcher.name === undefined || object.metadata.name === watcher.name) &&
    (watcher.labels ?? []).every(([key, value]) => object.metadata.labels?.[key!] === value)
  );
}
