// What a server dry run would change against the live object, as +/- lines of flattened fields.
type Json = any;

function flatten(value: Json, prefix: string, out: Map<string, string>): Map<string, string> {
  if (value !== null && typeof value === "object") {
    const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
    for (const [key, child] of entries) flatten(child, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.set(prefix, JSON.stringify(value));
  }
  return out;
}

/** Server-managed bookkeeping that changes on every write and says nothing about intent. */
const noise = /^(metadata\.(managedFields|resourceVersion|generation|uid|creationTimestamp)|status)(\.|$)/;

export function describeDiff(live: Json | undefined, preview: Json): string {
  if (!live) return "  (new object)";
  const before = flatten(live, "", new Map());
  const after = flatten(preview, "", new Map());
  const lines: string[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    if (noise.test(key) || before.get(key) === after.get(key)) continue;
    if (before.has(key)) lines.push(`- ${key}: ${before.get(key)}`);
    if (after.has(key)) lines.push(`+ ${key}: ${after.get(key)}`);
  }
  return lines.length > 0 ? lines.map((line) => `  ${line}`).join("\n") : "  (no change)";
}
