// Matches the objects of the two renders by identity and lists, for each object on both
// sides, the facts that differ. Input objects must already be placed (namespaces filled in).
import type { Resource } from "../flight/contract.ts";
import { refKey, refOf, type ObjectRef } from "./objects.ts";
import { withoutBookkeeping } from "./bookkeeping.ts";
import { factsOf } from "./facts.ts";

export type Side = "hangar" | "upstream";

/** A whole object rendered by one side only. */
export interface ObjectDifference {
  type: "object";
  ref: ObjectRef;
  only: Side;
}

/** One fact of an object both sides render; an absent value means that side lacks the fact. */
export interface FactDifference {
  type: "fact";
  ref: ObjectRef;
  fact: string;
  hangar?: string;
  upstream?: string;
}

export interface ObjectDiff {
  /** Identities present on both sides, in hangar's order. */
  matched: ObjectRef[];
  differences: (ObjectDifference | FactDifference)[];
}

/** An upstream object known under another name in hangar (applied before matching). */
export interface Rename {
  upstream: ObjectRef;
  hangar: ObjectRef;
}

export function renamed<R extends Rename>(object: Resource, renames: readonly R[]): { object: Resource; rename?: R } {
  const key = refKey(refOf(object));
  const rename = renames.find((candidate) => refKey(candidate.upstream) === key);
  if (!rename) return { object };
  const metadata = { ...object.metadata, name: rename.hangar.name };
  if (rename.hangar.namespace) metadata.namespace = rename.hangar.namespace;
  return { object: { ...object, metadata }, rename };
}

export function diffObjects(hangar: readonly Resource[], upstream: readonly Resource[]): ObjectDiff {
  const upstreamByKey = new Map(upstream.map((object) => [refKey(refOf(object)), object]));
  const hangarKeys = new Set(hangar.map((object) => refKey(refOf(object))));
  const matched: ObjectRef[] = [];
  const differences: ObjectDiff["differences"] = [];
  for (const object of hangar) {
    const ref = refOf(object);
    const other = upstreamByKey.get(refKey(ref));
    if (!other) {
      differences.push({ type: "object", ref, only: "hangar" });
      continue;
    }
    matched.push(ref);
    differences.push(...diffFacts(ref, object, other));
  }
  for (const object of upstream) {
    if (!hangarKeys.has(refKey(refOf(object)))) differences.push({ type: "object", ref: refOf(object), only: "upstream" });
  }
  return { matched, differences };
}

export function diffFacts(ref: ObjectRef, hangar: Resource, upstream: Resource): FactDifference[] {
  const ours = factsOf(withoutBookkeeping(hangar));
  const theirs = factsOf(withoutBookkeeping(upstream));
  const differences: FactDifference[] = [];
  for (const fact of new Set([...ours.keys(), ...theirs.keys()])) {
    const [mine, other] = [ours.get(fact), theirs.get(fact)];
    if (mine === other) continue;
    differences.push({
      type: "fact",
      ref,
      fact,
      ...(mine !== undefined && { hangar: mine }),
      ...(other !== undefined && { upstream: other }),
    });
  }
  return differences;
}
