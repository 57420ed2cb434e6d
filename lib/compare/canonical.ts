// Stable text for JSON-like values, so two renders that differ only in key order or in
// empty leftovers (`{}`, `[]`, `null`) print the same.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Drops null, empty maps and empty lists, recursively; undefined when nothing is left. */
export function pruned(value: unknown): Json | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    const items = value.map(pruned).filter((item): item is Json => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .map(([key, item]) => [key, pruned(item)] as const)
      .filter((entry): entry is readonly [string, Json] => entry[1] !== undefined);
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  }
  return value as Json;
}

/** One-line text of a value: scalars as themselves, structures as JSON with sorted keys. */
export function canonical(value: unknown): string {
  const clean = pruned(value);
  if (clean === undefined) return "(none)";
  if (typeof clean === "string") return clean;
  return JSON.stringify(sortKeys(clean));
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys(value[key]!)]),
    );
  }
  return value;
}

/**
 * Flattens a structure into `path -> text` leaves: maps by key, lists of structures by index,
 * lists of scalars kept whole. Empty leftovers vanish.
 */
export function flatten(value: unknown, path: string, into: Map<string, string> = new Map()): Map<string, string> {
  const clean = pruned(value);
  if (clean === undefined) return into;
  if (Array.isArray(clean) && clean.some((item) => typeof item === "object" && item !== null)) {
    clean.forEach((item, index) => flatten(item, `${path}[${index}]`, into));
  } else if (clean !== null && typeof clean === "object" && !Array.isArray(clean)) {
    for (const [key, item] of Object.entries(clean)) flatten(item, path ? `${path}.${key}` : key, into);
  } else {
    into.set(path, canonical(clean));
  }
  return into;
}
