// Server-side apply, approximated the way the API server's structured merge works for the
// shapes hangar uses: maps merge per key, lists of objects with a `name` merge per name, other
// lists are atomic; each field manager owns the leaf paths it applied.
export type Json = any;

/**
 * Path segments are joined by a control character, since keys such as the label
 * `app.kubernetes.io/managed-by` hold dots; `pathText` prints them the way the API server does.
 */
const SEP = "\u0001";

export const joinPath = (...parts: string[]) => parts.filter(Boolean).join(SEP);

/** `.metadata.labels.app.kubernetes.io/managed-by`, `.spec.containers[name=x].image` */
export function pathText(path: string): string {
  return splitPath(path).map((part) => (part.startsWith("[") ? part : `.${part}`)).join("");
}

/** Leaf paths of an applied configuration, e.g. spec, template, spec, containers, [name=controller], image */
export function fieldPaths(value: Json, prefix = ""): string[] {
  if (isMap(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return prefix ? [prefix] : [];
    return entries.flatMap(([key, child]) => fieldPaths(child, joinPath(prefix, key)));
  }
  if (isKeyedList(value)) return value.flatMap((item: Json) => fieldPaths(item, joinPath(prefix, `[name=${item.name}]`)));
  return [prefix];
}

export function isMap(value: Json): value is Record<string, Json> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function isKeyedList(value: Json): value is Json[] {
  return Array.isArray(value) && value.length > 0 && value.every((item) => isMap(item) && typeof item.name === "string");
}

function splitPath(path: string): string[] {
  return path.split(SEP).filter(Boolean);
}

function step(value: Json, part: string): Json {
  if (part.startsWith("[name=")) {
    const name = part.slice(6, -1);
    return Array.isArray(value) ? value.find((item) => isMap(item) && item.name === name) : undefined;
  }
  return isMap(value) ? value[part] : undefined;
}

export function valueAt(value: Json, path: string): Json {
  return splitPath(path).reduce(step, value);
}

export function removePath(value: Json, path: string): void {
  const parts = splitPath(path);
  const last = parts.pop()!;
  const parent = parts.reduce(step, value);
  if (last.startsWith("[name=") && Array.isArray(parent)) {
    const index = parent.findIndex((item) => isMap(item) && item.name === last.slice(6, -1));
    if (index >= 0) parent.splice(index, 1);
  } else if (isMap(parent)) {
    delete parent[last];
  }
}

/** Merges an applied configuration over a live object. */
export function merge(live: Json, applied: Json): Json {
  if (isMap(live) && isMap(applied)) {
    const out: Record<string, Json> = { ...live };
    for (const [key, value] of Object.entries(applied)) out[key] = key in live ? merge(live[key], value) : clone(value);
    return out;
  }
  if (isKeyedList(applied) && Array.isArray(live) && live.every((item) => isMap(item))) {
    const out = live.map(clone);
    for (const item of applied) {
      const index = out.findIndex((existing: Json) => existing.name === item.name);
      if (index >= 0) out[index] = merge(out[index], item);
      else out.push(clone(item));
    }
    return out;
  }
  return clone(applied);
}

export function clone<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

export function equal(a: Json, b: Json): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isMap(value)) return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys(value[key])]));
  return value;
}

/** managedFields in the API's shape (FieldsV1 with f: and k: keys). */
export function fieldsV1(paths: string[]): Json {
  const root: Record<string, Json> = {};
  for (const path of paths) {
    let node = root;
    for (const part of splitPath(path)) {
      const key = part.startsWith("[name=") ? `k:{"name":${JSON.stringify(part.slice(6, -1))}}` : `f:${part}`;
      node = node[key] ??= {};
    }
  }
  return root;
}

/** The leaf paths a managedFields entry's FieldsV1 names (the inverse of fieldsV1). */
export function fromFieldsV1(fields: Json, prefix = ""): string[] {
  const entries = isMap(fields) ? Object.entries(fields).filter(([key]) => key !== ".") : [];
  if (entries.length === 0) return prefix ? [prefix] : [];
  return entries.flatMap(([key, child]) => {
    const part = key.startsWith("k:") ? `[name=${JSON.parse(key.slice(2)).name}]` : key.slice(2);
    return fromFieldsV1(child, joinPath(prefix, part));
  });
}
