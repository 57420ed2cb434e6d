// hangar's rendered flights against the upstream render (helmfile template, or a directory of
// rendered manifests): objects, facts, order and needs, each difference declared or not.
import type { Resource, Stages } from "../flight/contract.ts";
import { clusterScopedCustomKinds, placed, type ObjectRef } from "./objects.ts";
import { diffObjects, renamed } from "./differ.ts";
import { hangarOrder, needsDifferences, orderDifferences, upstreamOrder, type Placed } from "./ordering.ts";
import { declared, reasonFor, type Declarations, type DeclaredRename, type Difference } from "./declared.ts";
import type { HelmfileRelease } from "./helmfile.ts";

export interface RenderedFlight {
  name: string;
  namespace: string;
  needs: readonly string[];
  stages: Stages;
}

/** One release of the upstream render; `name` is a helmfile release, or "" when not known. */
export interface RenderedRelease {
  name: string;
  objects: readonly Resource[];
}

export interface CompareInput {
  flights: readonly RenderedFlight[];
  upstream: readonly RenderedRelease[];
  /** helmfile.yaml's releases: namespaces and needs of the upstream side. */
  helmfile: readonly HelmfileRelease[];
}

export interface Finding {
  difference: Difference;
  /** Why hangar differs on purpose; absent for an undeclared difference. */
  declared?: string;
}

export interface Comparison {
  /** Objects on both sides. */
  matched: ObjectRef[];
  hangarObjects: number;
  upstreamObjects: number;
  findings: Finding[];
  renames: DeclaredRename[];
  /** Flights whose helmfile release is missing from a partial reference: not compared. */
  notCompared: { flight: string; objects: number }[];
  hangarOrder: Placed[];
  upstreamOrder: Placed[];
}

export function compareStacks(input: CompareInput, declarations: Declarations = declared): Comparison {
  const namespaces = new Map(input.helmfile.map((release) => [release.name, release.namespace]));
  const renderedReleases = new Set(input.upstream.map((release) => release.name));
  // A reference without a folder for a release did not render it; "" (unsorted files) may hold anything.
  const covered = (flight: RenderedFlight) =>
    renderedReleases.has("") || renderedReleases.has(flight.name) || !namespaces.has(flight.name);
  const notCompared = input.flights
    .filter((flight) => !covered(flight))
    .map((flight) => ({ flight: flight.name, objects: flight.stages.flat().length }));

  const hangarCustom = clusterScopedCustomKinds(input.flights.flatMap((flight) => flight.stages.flat()));
  const placedFlights = input.flights.map((flight) => ({
    ...flight,
    stages: flight.stages.map((stage) => stage.map((object) => placed(object, flight.namespace, hangarCustom))),
  }));

  const upstreamCustom = clusterScopedCustomKinds(input.upstream.flatMap((release) => release.objects));
  const renames = new Map<string, DeclaredRename>();
  const releases = input.upstream.map((release) => ({
    name: release.name,
    needs: input.helmfile.find((candidate) => candidate.name === release.name)?.needs ?? [],
    objects: release.objects.map((object) => {
      const result = renamed(placed(object, namespaces.get(release.name), upstreamCustom), declarations.renames);
      if (result.rename) renames.set(`${result.rename.hangar.kind} ${result.rename.hangar.name}`, result.rename);
      return result.object;
    }),
  }));

  const hangarObjects = placedFlights.filter(covered).flatMap((flight) => flight.stages.flat());
  const upstreamObjects = releases.flatMap((release) => release.objects);
  const { matched, differences } = diffObjects(hangarObjects, upstreamObjects);
  const ours = hangarOrder(placedFlights);
  const theirs = upstreamOrder(releases, input.helmfile);
  const all: Difference[] = [
    ...differences,
    ...orderDifferences(ours, theirs),
    ...needsDifferences(input.flights, input.helmfile),
  ];
  const findings = all.map((difference) => {
    const reason = reasonFor(difference, declarations);
    return reason === undefined ? { difference } : { difference, declared: reason };
  });
  return {
    matched,
    hangarObjects: hangarObjects.length,
    upstreamObjects: upstreamObjects.length,
    findings,
    renames: [...renames.values()],
    notCompared,
    hangarOrder: ours,
    upstreamOrder: theirs,
  };
}

export function undeclared(comparison: Comparison): Finding[] {
  return comparison.findings.filter((finding) => finding.declared === undefined);
}
