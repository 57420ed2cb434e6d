// A problem found in homelab.yaml, and how it is printed: `file:LINE:COL field.path: message`.

export type FieldPath = readonly (string | number)[];

export interface Problem {
  path: FieldPath;
  message: string;
  /** Warnings are printed but do not stop a run. */
  warning?: boolean;
}

export function fieldPathText(path: FieldPath): string {
  return path.reduce<string>(
    (text, part) => (typeof part === "number" ? `${text}[${part}]` : text ? `${text}.${part}` : part),
    "",
  );
}

/** Raised when homelab.yaml has errors; `lines` are ready to print, one problem each. */
export class HomelabError extends Error {
  constructor(readonly lines: readonly string[]) {
    super(lines.join("\n"));
    this.name = "HomelabError";
  }
}

/**
 * A line safe to print whatever the file held: control characters (which a terminal would obey)
 * escaped as \xNN, and cut at `max` characters (a value can be a megabyte long).
 */
export function printable(line: string, max = 500): string {
  const escaped = line.replace(/[\x00-\x1f\x7f-\x9f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, "0")}`);
  return escaped.length > max ? `${escaped.slice(0, max - 1)}…` : escaped;
}
