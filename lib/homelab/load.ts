// Reading homelab.yaml: YAML syntax, then the schema, then the semantic checks. Every problem
// is reported at once, one line each, as `file:LINE:COL field.path: what is wrong`.
import { LineCounter, parseDocument, isMap, isPair, isScalar, type Document, type Node } from "yaml";
import type { Homelab } from "./schema.ts";
import { schemaProblems } from "./validate.ts";
import { semanticProblems } from "./checks.ts";
import { aliasProblem } from "./aliases.ts";
import { fieldPathText, HomelabError, printable, type FieldPath, type Problem } from "./problems.ts";

/** Problems printed at most: a binary file has thousands, and the first ones tell what is wrong. */
const shownProblems = 20;

export interface LoadedHomelab {
  homelab: Homelab;
  /** Printable warning lines (the declaration is usable, but something deserves a look). */
  warnings: string[];
}

/** Parses and checks declaration text; `file` is only used to label the messages. */
export function parseHomelab(text: string, file: string): LoadedHomelab {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw homelabError(
      doc.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        return `${file}:${line}:${col} yaml: ${error.message.split("\n")[0]}`;
      }),
      file,
    );
  }
  const alias = aliasProblem(doc);
  if (alias) {
    const { line, col } = lines.linePos(alias.offset);
    throw homelabError([`${file}:${line}:${col} yaml: ${alias.message}`], file);
  }
  const value: unknown = doc.toJS();
  let problems: Problem[] = schemaProblems(value ?? {});
  if (problems.length === 0) problems = semanticProblems(value as Homelab);
  const located = problems
    .map((problem) => ({ problem, ...position(doc, lines, problem.path) }))
    .sort((a, b) => a.line - b.line || a.col - b.col);
  const format = ({ problem, line, col }: (typeof located)[number]) =>
    `${file}:${line}:${col} ${fieldPathText(problem.path) || "(document)"}: ${problem.message}`;
  const errors = located.filter((entry) => !entry.problem.warning).map(format);
  if (errors.length > 0) throw homelabError(errors, file);
  return {
    homelab: value as Homelab,
    warnings: located.filter((entry) => entry.problem.warning).map((entry) => printable(`${format(entry)} (warning)`)),
  };
}

/** Every line printable, and not thousands of them. */
function homelabError(lines: string[], file: string): HomelabError {
  const shown = lines.slice(0, shownProblems).map((line) => printable(line));
  if (lines.length > shownProblems) shown.push(printable(`${file}: … and ${lines.length - shownProblems} more problems`));
  return new HomelabError(shown);
}

/** Where a field is written; for a missing field, where its parent is. */
function position(doc: Document, lines: LineCounter, path: FieldPath): { line: number; col: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const offset = offsetOf(doc, path.slice(0, depth));
    if (offset !== undefined) return lines.linePos(offset);
  }
  return { line: 1, col: 1 };
}

function offsetOf(doc: Document, path: FieldPath): number | undefined {
  if (path.length === 0) return (doc.contents as Node | null)?.range?.[0];
  const parent = doc.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1];
  // For a key in a map, point at the key itself: that is what an unknown-field fix edits.
  if (isMap(parent)) {
    const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === last);
    const key = pair?.key as Node | undefined;
    if (key?.range) return key.range[0];
  }
  const node = doc.getIn(path, true) as Node | undefined;
  return node?.range?.[0];
}
