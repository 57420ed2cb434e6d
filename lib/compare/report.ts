// The comparison as text: hangar on the left, the upstream render on the right; every
// difference marked "declared: <reason>" or UNDECLARED.
import { refText } from "./objects.ts";
import type { FactDifference, ObjectDifference } from "./differ.ts";
import { comparePositions, type NeedsDifference, type OrderDifference, type Placed } from "./ordering.ts";
import { undeclared, type Comparison, type Finding } from "./compare.ts";
import { impactOf, impactText, type Impact } from "./impact.ts";

export interface ReportContext {
  /** What the right-hand side is called: "helmfile" or "reference". */
  upstreamLabel: string;
  /** Where it came from, e.g. `helmfile template (helmfile.yaml)` or the reference folder. */
  upstreamSource: string;
  hangarMs: number;
  upstreamMs: number;
  flights: number;
  releases: number;
}

const WIDTH = 48;
const pad = (text: string, width = WIDTH) => (text.length >= width ? `${text} ` : text.padEnd(width));
const verdict = (finding: Finding) => (finding.declared === undefined ? "UNDECLARED" : `declared: ${finding.declared}`);
const ms = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`);

export function formatReport(comparison: Comparison, context: ReportContext): string {
  const label = context.upstreamLabel;
  const lines: string[] = [];
  lines.push(`hangar vs ${label}: ${context.upstreamSource}`);
  lines.push(
    `render time   ${pad(`hangar ${ms(context.hangarMs)} (${context.flights} flights, ${comparison.hangarObjects} objects)`)}` +
      `${label} ${ms(context.upstreamMs)} (${context.releases} releases, ${comparison.upstreamObjects} objects)`,
  );
  lines.push("", ...objectSection(comparison, label), "", ...factSection(comparison, label), "", ...orderSection(comparison, label));
  const open = undeclared(comparison).length;
  const total = comparison.findings.length;
  lines.push("", `summary: ${total} differences, ${total - open} declared, ${open} undeclared`);
  const impacts = impactCounts(comparison);
  if (impacts) lines.push(`fields by impact: ${impacts}`);
  return lines.join("\n") + "\n";
}

function objectSection(comparison: Comparison, label: string): string[] {
  const found = comparison.findings.filter((finding): finding is Finding & { difference: ObjectDifference } => finding.difference.type === "object");
  const only = (side: string) => found.filter((finding) => finding.difference.only === side).length;
  const lines = [`objects: ${comparison.matched.length} on both sides, ${only("hangar")} only in hangar, ${only("upstream")} only in ${label}`];
  for (const finding of found) {
    const where = finding.difference.only === "hangar" ? "only in hangar" : `only in ${label}`;
    lines.push(`  ${pad(where, 20)}${pad(refText(finding.difference.ref))}${verdict(finding)}`);
  }
  for (const rename of comparison.renames) {
    lines.push(`  ${pad("same object", 20)}${pad(`${refText(rename.hangar)} = ${label} ${rename.upstream.name}`)}declared: ${rename.reason}`);
  }
  for (const skipped of comparison.notCompared) {
    lines.push(`  ${pad("not compared", 20)}flight ${skipped.flight} (${skipped.objects} objects): ${label} has no release ${skipped.flight}`);
  }
  return lines;
}

function factSection(comparison: Comparison, label: string): string[] {
  const found = comparison.findings.filter((finding): finding is Finding & { difference: FactDifference } => finding.difference.type === "fact");
  const objects = new Set(found.map((finding) => refText(finding.difference.ref)));
  const lines = [`fields: ${found.length} differences in ${objects.size} of the objects on both sides`];
  for (const object of objects) {
    lines.push(`  ${object}`);
    for (const finding of found.filter((candidate) => refText(candidate.difference.ref) === object)) {
      const { fact, hangar = "(absent)", upstream = "(absent)" } = finding.difference;
      lines.push(`    ${fact}  [${impactText[impactOf(finding.difference)]}]`);
      if (hangar.length <= WIDTH - 14 && upstream.length <= WIDTH) {
        lines.push(`      ${pad(`hangar ${hangar}`, WIDTH)}${label} ${upstream}`);
      } else {
        lines.push(`      hangar ${hangar}`, `      ${label} ${upstream}`);
      }
      lines.push(`      ${verdict(finding)}`);
    }
  }
  return lines;
}

/** `restarts pods 0, changes behaviour 2, cosmetic 5`: what the field differences would do to a cluster. */
function impactCounts(comparison: Comparison): string {
  const counts = new Map<Impact, number>();
  for (const { difference } of comparison.findings) {
    if (difference.type === "fact") counts.set(impactOf(difference), (counts.get(impactOf(difference)) ?? 0) + 1);
  }
  const order: Impact[] = ["restart", "recreate", "behaviour", "cosmetic"];
  return order.filter((impact) => counts.has(impact)).map((impact) => `${impactText[impact]} ${counts.get(impact)}`).join(", ");
}

/**
 * Each step as `step: A, B → C`: kinds applied at the same time joined by ",", one after the
 * other by "→", wrapped to the column width.
 */
function steps(order: readonly Placed[]): string[][] {
  const rows: { step: string; groups: { position: number[]; kinds: Map<string, number> }[] }[] = [];
  for (const placed of [...order].sort((a, b) => comparePositions(a.position, b.position))) {
    let row = rows[rows.length - 1];
    if (!row || row.step !== placed.step) rows.push((row = { step: placed.step, groups: [] }));
    let group = row.groups[row.groups.length - 1];
    if (!group || comparePositions(group.position, placed.position) !== 0) row.groups.push((group = { position: placed.position, kinds: new Map() }));
    group.kinds.set(placed.ref.kind, (group.kinds.get(placed.ref.kind) ?? 0) + 1);
  }
  return rows.map(({ step, groups }) => {
    const parts = groups.flatMap((group, index) =>
      [...group.kinds].map(([kind, count], kindIndex) => {
        const text = count > 1 ? `${kind} ×${count}` : kind;
        const last = kindIndex === group.kinds.size - 1;
        return last ? (index < groups.length - 1 ? `${text} →` : text) : `${text},`;
      }),
    );
    return wrap(`${step}:`, parts);
  });
}

function wrap(head: string, parts: string[]): string[] {
  const lines = [head];
  for (const part of parts) {
    const line = lines[lines.length - 1]!;
    if (line.length + part.length + 1 > WIDTH && line.trim().length > 0) lines.push(`    ${part}`);
    else lines[lines.length - 1] = `${line} ${part}`;
  }
  return lines;
}

function orderSection(comparison: Comparison, label: string): string[] {
  const ours = steps(comparison.hangarOrder);
  const theirs = steps(comparison.upstreamOrder);
  const lines = [`order: hangar applies flights by needs, stage by stage; ${label} releases by needs, each in Helm's kind order`];
  lines.push(`  ${pad("hangar", WIDTH + 2)}${label}`);
  for (let row = 0; row < Math.max(ours.length, theirs.length); row++) {
    const [left = [], right = []] = [ours[row], theirs[row]];
    for (let line = 0; line < Math.max(left.length, right.length); line++) {
      lines.push(`  ${pad(left[line] ?? "", WIDTH + 2)}${right[line] ?? ""}`.trimEnd());
    }
  }
  const order = comparison.findings.filter((finding): finding is Finding & { difference: OrderDifference } => finding.difference.type === "order");
  for (const finding of order) {
    const { earlier, later, pairs } = finding.difference;
    const example = pairs[0]!;
    lines.push(
      `  hangar applies ${earlier} before ${later}, ${label} after (${pairs.length} pairs, e.g. ${refText(example[0])} / ${refText(example[1])})`,
      `    ${verdict(finding)}`,
    );
  }
  const needs = comparison.findings.filter((finding): finding is Finding & { difference: NeedsDifference } => finding.difference.type === "needs");
  const list = (names?: string[]) => (names === undefined ? "(no such release)" : names.length > 0 ? names.join(", ") : "(nothing)");
  for (const finding of needs) {
    const { release, hangar, upstream } = finding.difference;
    lines.push(`  needs of ${release}: hangar ${list(hangar)}, ${label} ${list(upstream)}`, `    ${verdict(finding)}`);
  }
  return lines;
}
