// Compact embedded data for flights: JSON in which every repeated subtree is stored once, in a
// table, and referenced as {"#": index}. Multi-megabyte CRD bundles repeat the same schemas
// (label selectors, conditions, backend refs) hundreds of times; as data rather than code they
// cost one string constant in the bundle and one JSON.parse at render time.
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Packed {
  /** Shared subtrees; an entry may reference earlier entries. */
  t: Json[];
  /** The value itself, with references into `t`. */
  v: Json;
}

const refKey = "#";
/** Below this encoded size a reference saves nothing worth its lookup. */
const minShared = 24;

const isRef = (value: Json): value is { [refKey]: number } =>
  value !== null && typeof value === "object" && !Array.isArray(value) && typeof value[refKey] === "number" && Object.keys(value).length === 1;

/** Stores each subtree that occurs more than once a single time. Build-time only. */
export function pack(value: Json): Packed {
  const counts = new Map<string, number>();
  const count = (node: Json): string => {
    let text: string;
    if (Array.isArray(node)) text = `[${node.map(count).join(",")}]`;
    else if (node !== null && typeof node === "object") {
      if (refKey in node) throw new Error(`a key "${refKey}" in the data would read as a reference`);
      text = `{${Object.entries(node).map(([key, child]) => `${JSON.stringify(key)}:${count(child)}`).join(",")}}`;
    } else text = JSON.stringify(node);
    counts.set(text, (counts.get(text) ?? 0) + 1);
    return text;
  };
  count(value);
  const table: Json[] = [];
  const index = new Map<string, number>();
  const encode = (node: Json): Json => {
    if (node === null || typeof node !== "object") return node;
    const encoded: Json = Array.isArray(node) ? node.map(encode) : Object.fromEntries(Object.entries(node).map(([key, child]) => [key, encode(child)]));
    const text = JSON.stringify(node);
    if ((counts.get(text) ?? 0) < 2 || JSON.stringify(encoded).length < minShared) return encoded;
    let at = index.get(text);
    if (at === undefined) {
      at = table.push(encoded) - 1;
      index.set(text, at);
    }
    return { [refKey]: at };
  };
  return { t: table, v: encode(value) };
}

/** The value back, each shared subtree built once (shared objects serialise like copies). */
export function unpack(packed: Packed): Json {
  const built: Json[] = [];
  const decode = (node: Json): Json => {
    if (node === null || typeof node !== "object") return node;
    if (isRef(node)) return built[node[refKey]]!;
    if (Array.isArray(node)) return node.map(decode);
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(node)) out[key] = decode(node[key]!);
    return out;
  };
  for (const entry of packed.t) built.push(decode(entry));
  return decode(packed.v);
}
