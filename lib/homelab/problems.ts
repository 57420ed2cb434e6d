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
