// Compact embedded data for flights: the compact JSON text of a value in which every repeated
// subtree is stored once and referenced as {"#":index}. Multi-megabyte CRD bundles repeat the
// same schemas (label selectors, conditions, backend references) hundreds of times.
// The packed form is a list of entries, each a compact JSON text: the shared subtrees in order,
// each referencing only earlier ones, then the value. Expanding is text substitution, no object
// is built: a flight can print the text as it is and parse it only when it needs the objects.
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const refKey = "#";
/** Below this size a reference saves nothing worth its lookup. */
const minShared = 24;
// Inside a JSON string a quote is escaped, so this only ever starts a reference object.
const referenceStart = `{"${refKey}":`;
// QuickJS (the wasm engine) stores a string with any character beyond Latin-1 two bytes per
// character, in memory and in the module: such strings (a few quotes and arrows in CRD
// descriptions) get entries of their own so that every other entry stays one byte wide.
const beyondLatin1 = /[^\u0000-\u00ff]/;

/** Stores each subtree that occurs more than once a single time. Build-time only. */
export function pack(value: Json): string[] {
  const counts = new Map<string, number>();
  const count = (node: Json): void => {
    if (node !== null && typeof node === "object") {
      if (!Array.isArray(node) && refKey in node) throw new Error(`a key "${refKey}" in the data would read as a reference`);
      Object.values(node).forEach(count);
    }
    const text = JSON.stringify(node);
    counts.set(text, (counts.get(text) ?? 0) + 1);
  };
  count(value);
  const table: string[] = [];
  const index = new Map<string, number>();
  const reference = (text: string, encoded: string): string => {
    let at = index.get(text);
    if (at === undefined) {
      at = table.push(encoded) - 1;
      index.set(text, at);
    }
    return `{"${refKey}":${at}}`;
  };
  const encode = (node: Json): string => {
    const text = JSON.stringify(node);
    if (node === null || typeof node !== "object") return typeof node === "string" && beyondLatin1.test(node) ? reference(text, text) : text;
    const encoded = Array.isArray(node)
      ? `[${node.map(encode).join(",")}]`
      : `{${Object.entries(node).map(([key, child]) => `${JSON.stringify(key)}:${encode(child)}`).join(",")}}`;
    return (counts.get(text) ?? 0) < 2 || encoded.length < minShared ? encoded : reference(text, encoded);
  };
  const packed = encode(value);
  return [...table, packed];
}

/**
 * The value's compact JSON text in pieces, in order: joined, exactly JSON.stringify of the packed
 * value. The entries it references come expanded; its own text is never joined into one string,
 * so a flight can write megabytes of it without copying them again.
 */
export function expandPieces(packed: readonly string[]): string[] {
  const expanded: string[] = [];
  // split and join rather than a regular expression: half the time under the wasm engine.
  const pieces = (text: string): string[] => {
    const [head, ...rest] = text.split(referenceStart);
    const parts = [head!];
    for (const part of rest) {
      const end = part.indexOf("}");
      parts.push(expanded[Number(part.slice(0, end))]!, part.slice(end + 1));
    }
    return parts;
  };
  // Entries only reference earlier ones: one pass in order expands them all, the value last.
  for (const entry of packed.slice(0, -1)) expanded.push(pieces(entry).join(""));
  return pieces(packed[packed.length - 1]!);
}

/** The value's compact JSON text, exactly JSON.stringify of the packed value. */
export function expand(packed: readonly string[]): string {
  return expandPieces(packed).join("");
}
