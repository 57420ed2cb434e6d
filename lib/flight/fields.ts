// A small reader for flight input: every accessor names the field it checks, so bad input
// becomes one line like `input.speaker.tolerations[0].effect: must be one of ...`.
// Hand-written on purpose: flights are bundled for the wasm engine and must stay lean.
import { InputError } from "./contract.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface StringRule {
  default?: string;
  oneOf?: readonly string[];
  pattern?: RegExp;
  /** Shown after "must match" when the pattern fails, e.g. "a DNS-1123 label". */
  describe?: string;
}

export class Fields {
  private readonly seen = new Set<string>();

  private constructor(
    private readonly value: { [key: string]: Json },
    private readonly path: string,
  ) {}

  /** The top-level input object. */
  static root(raw: unknown): Fields {
    if (!isObject(raw)) throw new InputError("", "input must be a JSON object");
    return new Fields(raw as { [key: string]: Json }, "");
  }

  at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  private take(key: string): Json | undefined {
    this.seen.add(key);
    const found = this.value[key];
    return found === null ? undefined : found;
  }

  string(key: string, rule: StringRule = {}): string {
    const found = this.take(key);
    if (found === undefined) {
      if (rule.default !== undefined) return rule.default;
      throw new InputError(this.at(key), "is required");
    }
    return checkString(found, this.at(key), rule);
  }

  optionalString(key: string, rule: Omit<StringRule, "default"> = {}): string | undefined {
    const found = this.take(key);
    return found === undefined ? undefined : checkString(found, this.at(key), rule);
  }

  boolean(key: string, fallback: boolean): boolean {
    const found = this.take(key);
    if (found === undefined) return fallback;
    if (typeof found !== "boolean") throw new InputError(this.at(key), "must be true or false");
    return found;
  }

  integer(key: string, fallback: number, min = -Infinity, max = Infinity): number {
    const found = this.take(key);
    if (found === undefined) return fallback;
    if (typeof found !== "number" || !Number.isInteger(found) || found < min || found > max) {
      throw new InputError(this.at(key), `must be a whole number${rangeText(min, max)}`);
    }
    return found;
  }

  /** A map of strings (labels, annotations, node selectors); missing means empty. */
  stringMap(key: string): Record<string, string> {
    const found = this.take(key);
    if (found === undefined) return {};
    if (!isObject(found)) throw new InputError(this.at(key), "must be a map of strings");
    const out: Record<string, string> = {};
    for (const [name, entry] of Object.entries(found)) {
      if (typeof entry !== "string") throw new InputError(`${this.at(key)}.${name}`, "must be a string");
      out[name] = entry;
    }
    return out;
  }

  /** A nested object; missing means empty. Call done() on it when finished. */
  object(key: string): Fields {
    const found = this.take(key);
    if (found === undefined) return new Fields({}, this.at(key));
    if (!isObject(found)) throw new InputError(this.at(key), "must be an object");
    return new Fields(found as { [key: string]: Json }, this.at(key));
  }

  /** A list whose items are objects, each read by `item`; missing means empty. */
  objects<T>(key: string, item: (fields: Fields, index: number) => T, minItems = 0): T[] {
    return this.list(key, minItems, (entry, path, index) => {
      if (!isObject(entry)) throw new InputError(path, "must be an object");
      const fields = new Fields(entry as { [key: string]: Json }, path);
      const result = item(fields, index);
      fields.done();
      return result;
    });
  }

  /** A list of strings; missing means empty. */
  strings(key: string, minItems = 0, rule: Omit<StringRule, "default"> = {}): string[] {
    return this.list(key, minItems, (entry, path) => checkString(entry, path, rule));
  }

  private list<T>(key: string, minItems: number, read: (entry: Json, path: string, index: number) => T): T[] {
    const found = this.take(key);
    if (found === undefined) {
      if (minItems > 0) throw new InputError(this.at(key), "is required");
      return [];
    }
    if (!Array.isArray(found)) throw new InputError(this.at(key), "must be a list");
    if (found.length < minItems) {
      throw new InputError(this.at(key), `must have at least ${minItems} item${minItems === 1 ? "" : "s"}`);
    }
    return found.map((entry, index) => read(entry, `${this.at(key)}[${index}]`, index));
  }

  /** Rejects keys nobody asked for: a typo must not silently fall back to a default. */
  done(): void {
    for (const key of Object.keys(this.value)) {
      if (!this.seen.has(key)) throw new InputError(this.at(key), "is not a known field");
    }
  }
}

function checkString(found: Json, path: string, rule: Omit<StringRule, "default">): string {
  if (typeof found !== "string") throw new InputError(path, "must be a string");
  if (rule.oneOf && !rule.oneOf.includes(found)) {
    throw new InputError(path, `must be one of ${rule.oneOf.join(", ")} (got "${found}")`);
  }
  if (rule.pattern && !rule.pattern.test(found)) {
    throw new InputError(path, `must be ${rule.describe ?? `a string matching ${rule.pattern}`} (got "${found}")`);
  }
  return found;
}

function isObject(value: unknown): value is { [key: string]: unknown } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function rangeText(min: number, max: number): string {
  if (min > -Infinity && max < Infinity) return ` from ${min} to ${max}`;
  if (min > -Infinity) return ` of at least ${min}`;
  if (max < Infinity) return ` of at most ${max}`;
  return "";
}

/** String rules flights' inputs share (the API's own formats). */
export const formats = {
  ipv4: { pattern: /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/, describe: "an IPv4 address" },
  dns1123Label: { pattern: /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, describe: "a DNS-1123 label" },
  dns1123Subdomain: { pattern: /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, describe: "a DNS-1123 subdomain" },
} as const;
