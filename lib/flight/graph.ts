// Deploy order from the flights' `needs` (and `addressesFrom`): a stable topological sort, grouped
// into waves of flights that can go concurrently.

export interface Node {
  name: string;
  needs: readonly string[];
  addressesFrom?: readonly string[];
}

/** What a flight waits for before it starts: its needs. */
const startsAfter = (item: Node): readonly string[] => item.needs;
/** What a flight is done after: its needs and the flights its addresses come from. */
const endsAfter = (item: Node): readonly string[] => [...item.needs, ...(item.addressesFrom ?? [])];

/** Why the flights cannot go together: one needs a flight that is not among them; undefined when none does. */
export function missingNeed(items: readonly Node[]): string | undefined {
  const names = new Set(items.map((item) => item.name));
  for (const item of items) {
    const missing = endsAfter(item).find((need) => !names.has(need));
    if (missing) return `flight ${item.name} needs ${missing}, which is not part of this deploy`;
  }
  return undefined;
}

/**
 * Waves: every flight's dependencies (by default its needs) are in earlier waves. Throws on a
 * missing flight or a cycle.
 */
export function waves<T extends Node>(items: readonly T[], dependencies: (item: T) => readonly string[] = startsAfter): T[][] {
  const missing = missingNeed(items);
  if (missing) throw new Error(missing);
  const done = new Set<string>();
  const result: T[][] = [];
  let left = [...items];
  while (left.length > 0) {
    const wave = left.filter((item) => dependencies(item).every((need) => done.has(need)));
    if (wave.length === 0) throw new Error(`flights ${left.map((item) => item.name).join(", ")} need each other in a cycle`);
    wave.forEach((item) => done.add(item.name));
    left = left.filter((item) => !wave.includes(item));
    result.push(wave);
  }
  return result;
}

/** Every flight after all it depends on, addresses included: the order of plans and summaries. */
export function order<T extends Node>(items: readonly T[]): T[] {
  return waves(items, endsAfter).flat();
}
