// Text that holds a YAML or JSON document (ConfigMap data, some annotations) compared by value:
// `a: [x, y]` and a block list of the same items are the same configuration to the program that
// reads it. Plain strings stay as they are.
import { parse } from "yaml";
import { canonical } from "./canonical.ts";

/** The value's canonical text when it parses as a YAML/JSON map or list, else the text itself. */
export function byValue(text: string): string {
  if (!/[:\[{\n-]/.test(text)) return text;
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch {
    return text;
  }
  return parsed !== null && typeof parsed === "object" ? `(document) ${canonical(parsed)}` : text;
}
