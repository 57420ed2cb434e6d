// The shipped example declaration, and small text edits of it for the bad-input tests.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const examplePath = fileURLToPath(new URL("../../homelab.yaml", import.meta.url));
export const exampleText = readFileSync(examplePath, "utf8");

/** Replaces one exact snippet of the example; fails loudly when the snippet is not there. */
export function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`example does not contain ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

export function edits(...pairs: [string, string][]): string {
  return pairs.reduce((text, [from, to]) => edit(text, from, to), exampleText);
}
