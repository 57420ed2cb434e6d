// Typed command-line values: each parser takes the text the user typed and returns the value,
// or throws a ValueError whose message finishes the sentence "--flag VALUE: ...".

export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ValueError";
  }
}

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration in milliseconds: `30s`, `5m`, `1h`, `250ms`, `1m30s`; a bare number counts
 * seconds (the scripts' older `--timeout SECONDS`). Zero, negative and NaN are refused.
 */
export function parseDuration(text: string, minimumMs = 1): number {
  const trimmed = text.trim();
  let ms: number | undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else if (/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(trimmed)) {
    ms = 0;
    for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(amount) * units[unit!]!;
  }
  if (ms === undefined || !Number.isFinite(ms)) throw new ValueError("expected a duration like 30s, 5m or 1h");
  if (ms < minimumMs) throw new ValueError(`expected at least ${formatDuration(minimumMs)}`);
  return Math.round(ms);
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** A whole number of at least 1. */
export function parsePositiveInteger(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new ValueError("expected a whole number of at least 1");
  }
  return Number(text);
}

/** `--flag` alone means true; `--flag=true` and `--flag=false` say it outright; nothing else. */
export function parseBoolean(text: string | undefined | boolean): boolean {
  if (text === undefined || text === true || text === "true") return true;
  if (text === false || text === "false") return false;
  throw new ValueError("expected true or false (or the flag alone, which means true)");
}

/** A value that must not be empty (a file, a folder, a name). */
export function parseNonEmpty(text: string): string {
  if (text.trim() === "") throw new ValueError("expected a value, got an empty one");
  return text;
}

/** Edit distance, for "did you mean" hints on values (commander hints at flags itself). */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** The closest candidate within a small distance, or undefined. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance <= Math.max(2, Math.floor(candidate.length / 3)) && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/** NAME=VALUE, both non-empty (e.g. metallb=helm_release.metallb). */
export function parseAssignment(text: string): [string, string] {
  const at = text.indexOf("=");
  if (at <= 0 || at === text.length - 1) throw new ValueError("expected NAME=VALUE, e.g. metallb=helm_release.metallb");
  return [text.slice(0, at), text.slice(at + 1)];
}
