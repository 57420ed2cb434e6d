// Compact embedded data for flights: the compact JSON text of a value in which every repeated
// subtree is stored once and referenced as {"#":index}. Multi-megabyte CRD bundles repeat the
// same schemas (label selectors, conditions, backend references) hundreds of times.
// The packed form is plain text, one compact JSON text per line (JSON.stringify never writes a
// raw newline): the shared subtrees in order, each referencing only earlier ones, then the value.
// Expanding is text substitution, no object is built: a flight can print the text as it is and
// parse it only when it needs the objects.
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const refKey = "#";
/** Below this size a reference saves nothing worth its lookup. */
const minShared = 24;
// Inside a JSON string a quote is escaped, so this only ever starts a reference object.
const referenceStart = `{"${refKey}":`;

/** Stores each subtree that occurs more than once a single time. Build-time only. */
export function pack(value: Json): string {
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
  const encode = (node: Json): string => {
    if (node === null || typeof node !== "object") return JSON.stringify(node);
    const encoded = Array.isArray(node)
      ? `[${node.map(encode).join(",")}]`
      : `{${Object.entries(node).map(([key, child]) => `${JSON.stringify(key)}:${encode(child)}`).join(",")}}`;
    const text = JSON.stringify(node);
    if ((counts.get(text) ?? 0) < 2 || encoded.length < minShared) return encoded;
    let at = index.get(text);
    if (at === undefined) {
      at = table.push(encoded) - 1;
      index.set(text, at);
    }
    return `{"${refKey}":${at}}`;
  };
  const packed = encode(value);
  return [...table, packed].join("\n");
}

/** The value's compact JSON text, exactly JSON.stringify of the packed value. */
export function expand(packed: string): string {
  const expanded: string[] = [];
  // split and join rather than a regular expression: half the time under the wasm engine.
  const resolve = (text: string): string => {
    const [head, ...rest] = text.split(referenceStart);
    const pieces = [head!];
    for (const part of rest) {
      const end = part.indexOf("}");
      pieces.push(expanded[Number(part.slice(0, end))]!, part.slice(end + 1));
    }
    return pieces.join("");
  };
  // Entries only reference earlier ones: one pass in order expands them all, the value last.
  for (const line of packed.split("\n")) expanded.push(resolve(line));
  return expanded[expanded.length - 1]!;
}
