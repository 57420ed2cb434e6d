// Apply order on each side, and where the two disagree.
// hangar: flights in waves of `needs`, each flight stage by stage, Namespaces and CRDs of a stage
// in a pre-stage first (yoke's rule). Upstream: helmfile releases in waves of `needs`, each
// release as Helm installs it: pre-install hooks, the manifests sorted by Helm's kind order,
// post-install hooks.
import type { Resource, Stages } from "../flight/contract.ts";
import { waves } from "../flight/graph.ts";
import { refKey, refOf, type ObjectRef } from "./objects.ts";

/** Helm's install order by kind (helm/helm internal/release/v2/util/kind_sorter.go InstallOrder). */
export const helmInstallOrder = [
  "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
  "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
  "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList",
  "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList",
  "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
  "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
  "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
];

/** yoke applies these ahead of the rest of their stage. */
const preStageKinds = new Set(["Namespace", "CustomResourceDefinition"]);

export interface Placed {
  ref: ObjectRef;
  /**
   * Where the object stands in the report: compared lexicographically, smaller first. Within one
   * flight or release equal means "at the same time"; across them only `follows` orders.
   */
  position: number[];
  /** Where the object is applied, for the report: `metallb stage 1`, `ingress-nginx pre-install hooks`. */
  step: string;
  /** The flight or release that applies it. */
  unit: string;
  /** Flights or releases that are done before this one starts, directly or through others. */
  follows: readonly string[];
}

/** Every name a unit waits for before it starts, its needs and theirs; `ordered`: waves, flattened. */
function followed(ordered: readonly { name: string; needs: readonly string[] }[]): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const unit of ordered) result.set(unit.name, [...new Set(unit.needs.flatMap((need) => [need, ...(result.get(need) ?? [])]))]);
  return result;
}

/** Is `a` applied strictly before `b`? Flights or releases started side by side are not ordered. */
export function precedes(a: Placed, b: Placed): boolean {
  return a.unit === b.unit ? comparePositions(a.position, b.position) < 0 : b.follows.includes(a.unit);
}

export interface HangarFlight {
  name: string;
  needs: readonly string[];
  stages: Stages;
}

export interface UpstreamRelease {
  name: string;
  needs: readonly string[];
  objects: readonly Resource[];
}

/** Flights start once their needs are deployed (a flight's `addressesFrom` holds only its address waits). */
export function hangarOrder(flights: readonly HangarFlight[]): Placed[] {
  const ordered = waves(flights);
  const follows = followed(ordered.flat());
  return ordered.flatMap((wave, waveIndex) =>
    wave.flatMap((flight) =>
      flight.stages.flatMap((stage, stageIndex) =>
        stage.map((object) => {
          const pre = preStageKinds.has(object.kind);
          return {
            ref: refOf(object),
            position: [waveIndex, stageIndex, pre ? 0 : 1],
            step: `${flight.name} stage ${stageIndex + 1}${pre ? " (pre-stage)" : ""}`,
            unit: flight.name,
            follows: follows.get(flight.name) ?? [],
          };
        }),
      ),
    ),
  );
}

function kindRank(kind: string): number {
  const rank = helmInstallOrder.indexOf(kind);
  return rank < 0 ? helmInstallOrder.length : rank;
}

/** 0 before the manifests, 1 the manifests, 2 after them; from the `helm.sh/hook` annotation. */
function hookPhase(object: Resource): { phase: number; weight: number; label: string } {
  const hooks = object.metadata.annotations?.["helm.sh/hook"];
  if (!hooks) return { phase: 1, weight: 0, label: "" };
  const weight = Number(object.metadata.annotations?.["helm.sh/hook-weight"] ?? 0) || 0;
  return hooks.includes("pre-install") ? { phase: 0, weight, label: " pre-install hooks" } : { phase: 2, weight, label: " post-install hooks" };
}

/**
 * The releases' needs restricted to the releases rendered: a need on a release missing from a
 * partial reference is replaced by what that release needs, so the chain still orders.
 */
function renderedNeeds(releases: readonly UpstreamRelease[], all: readonly { name: string; needs: readonly string[] }[]): UpstreamRelease[] {
  const rendered = new Set(releases.map((release) => release.name));
  const expand = (need: string, seen: Set<string>): string[] => {
    if (rendered.has(need)) return [need];
    if (seen.has(need)) return [];
    seen.add(need);
    return (all.find((release) => release.name === need)?.needs ?? []).flatMap((next) => expand(next, seen));
  };
  return releases.map((release) => ({ ...release, needs: [...new Set(release.needs.flatMap((need) => expand(need, new Set())))] }));
}

/** `all`: every release of helmfile.yaml, so needs through releases not rendered still count. */
export function upstreamOrder(releases: readonly UpstreamRelease[], all: readonly { name: string; needs: readonly string[] }[] = releases): Placed[] {
  const ordered = waves(renderedNeeds(releases, all));
  const follows = followed(ordered.flat());
  return ordered.flatMap((wave, waveIndex) =>
    wave.flatMap((release) =>
      release.objects.map((object) => {
        const { phase, weight, label } = hookPhase(object);
        return {
          ref: refOf(object),
          position: [waveIndex, phase, weight, kindRank(object.kind)],
          step: `${release.name}${label}`,
          unit: release.name,
          follows: follows.get(release.name) ?? [],
        };
      }),
    ),
  );
}

/** Lexicographic order of positions; 0 means applied at the same time. */
export function comparePositions(a: readonly number[], b: readonly number[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

/** hangar applies `earlier` kinds strictly before `later` kinds; upstream strictly after. */
export interface OrderDifference {
  type: "order";
  earlier: string;
  later: string;
  pairs: [ObjectRef, ObjectRef][];
}

export function orderDifferences(hangar: readonly Placed[], upstream: readonly Placed[]): OrderDifference[] {
  const upstreamByKey = new Map(upstream.map((placed) => [refKey(placed.ref), placed]));
  const both = hangar.flatMap((ours) => {
    const theirs = upstreamByKey.get(refKey(ours.ref));
    return theirs ? [{ ours, theirs }] : [];
  });
  const groups = new Map<string, OrderDifference>();
  for (const a of both) {
    for (const b of both) {
      if (!precedes(a.ours, b.ours) || !precedes(b.theirs, a.theirs)) continue;
      const key = `${a.ours.ref.kind} ${b.ours.ref.kind}`;
      const group = groups.get(key) ?? { type: "order", earlier: a.ours.ref.kind, later: b.ours.ref.kind, pairs: [] };
      group.pairs.push([a.ours.ref, b.ours.ref]);
      groups.set(key, group);
    }
  }
  return [...groups.values()];
}

/** A release whose `needs` differ between hangar's flights and helmfile.yaml. */
export interface NeedsDifference {
  type: "needs";
  release: string;
  /** Absent when that side has no release of this name. */
  hangar?: string[];
  upstream?: string[];
}

export function needsDifferences(
  flights: readonly { name: string; needs: readonly string[] }[],
  releases: readonly { name: string; needs: readonly string[] }[],
): NeedsDifference[] {
  const names = [...new Set([...flights.map((flight) => flight.name), ...releases.map((release) => release.name)])];
  return names.flatMap((release) => {
    const ours = flights.find((flight) => flight.name === release)?.needs;
    const theirs = releases.find((candidate) => candidate.name === release)?.needs;
    const text = (needs?: readonly string[]) => (needs ? [...needs].sort().join(",") : undefined);
    if (text(ours) === text(theirs)) return [];
    return [{ type: "needs" as const, release, ...(ours && { hangar: [...ours].sort() }), ...(theirs && { upstream: [...theirs].sort() }) }];
  });
}
