// YAML anchors and aliases in homelab.yaml, checked before the document becomes a value, so each
// problem is reported at the alias that causes it: an alias with no anchor before it, an alias
// inside the very node it names (a circle), and aliases that expand to far more values than a
// hand-written file holds (an "alias bomb", which would otherwise exhaust memory).
import { isAlias, isCollection, isPair, visit, type Document, type Node } from "yaml";

/** Values that aliases may add to the document; the example homelab has a few hundred in all. */
export const aliasExpansionLimit = 10_000;

export interface AliasProblem {
  /** Offset of the alias in the text. */
  offset: number;
  message: string;
}

export function aliasProblem(doc: Document): AliasProblem | undefined {
  const sizes = new Map<unknown, number>();
  // How many values a node stands for, aliases expanded (bounded: counting stops past the limit).
  const size = (node: unknown): number => {
    if (isAlias(node)) return size(node.resolve(doc));
    if (isPair(node)) return size(node.key) + size(node.value);
    if (!isCollection(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    sizes.set(node, 1); // a circle counts once; it is reported on its own
    let total = 1;
    for (const item of node.items) {
      total += size(item);
      if (total > aliasExpansionLimit) break;
    }
    sizes.set(node, total);
    return total;
  };
  let problem: AliasProblem | undefined;
  let expanded = 0;
  visit(doc, {
    Alias(_key, alias, path) {
      const offset = alias.range?.[0] ?? 0;
      const target = alias.resolve(doc);
      if (!target) problem = { offset, message: `alias *${alias.source} has no anchor &${alias.source} before it` };
      else if (path.includes(target as Node)) problem = { offset, message: `alias *${alias.source} is inside the value it names, which would contain itself forever` };
      else {
        expanded += size(target);
        if (expanded > aliasExpansionLimit) {
          problem = { offset, message: `aliases expand to more than ${aliasExpansionLimit} values by here (at *${alias.source}); write the values out, a declaration is not that large` };
        }
      }
      return problem ? visit.BREAK : undefined;
    },
  });
  return problem;
}
