// Deploy order from the flights' `needs`: a stable topological sort, grouped into waves of
// flights that can go concurrently.

export interface Node {
  name: string;
  needs: readonly string[];
}

/** Waves: every flight's needs are in earlier waves. Throws on a missing flight or a cycle. */
export function waves<T extends Node>(items: readonly T[]): T[][] {
  const names = new Set(items.map((item) => item.name));
  for (const item of items) {
    for (const need of item.needs) {
      if (!names.has(need)) throw new Error(`flight ${item.name} needs ${need}, which is not part of this deploy`);
    }
  }
  const done = new Set<string>();
  const result: T[][] = [];
  let left = [...items];
  while (left.length > 0) {
    const wave = left.filter((item) => item.needs.every((need) => done.has(need)));
    if (wave.length === 0) throw new Error(`flights ${left.map((item) => item.name).join(", ")} need each other in a cycle`);
    wave.forEach((item) => done.add(item.name));
    left = left.filter((item) => !wave.includes(item));
    result.push(wave);
  }
  return result;
}

export function order<T extends Node>(items: readonly T[]): T[] {
  return waves(items).flat();
}
