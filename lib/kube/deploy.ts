// Deploying planned flights: in `needs` order (independent flights concurrently, a flight's
// address waits gated on the flights its addresses come from), each flight stage by stage
// (flight-deploy.ts), under one deadline and one stop for the whole run.
import { setMaxListeners } from "node:events";
import type { PlannedFlight } from "../flight/plan.ts";
import { missingNeed } from "../flight/graph.ts";
import type { KubeClient } from "./client.ts";
import { Discovery } from "./discovery.ts";
import { crdScopes } from "./prepare.ts";
import { activeRevision, listRevisions } from "./revision.ts";
import { DeadlineReached, deadlineSignal } from "./deadline.ts";
import { plannedSchemas } from "./crd-validate.ts";
import { DeployError, type DeployOptions, type FlightSummary, type Report, type Shared } from "./deploy-contract.ts";
import { FlightDeploy } from "./flight-deploy.ts";

export { defaultDeployOptions, DeployError, noOutcomes, outcomes, type DeployEvent, type DeployOptions, type FlightSummary, type Outcome } from "./deploy-contract.ts";

/** The context of one call, and the function that ends its deadline timer. */
function shared(client: KubeClient, flights: PlannedFlight[], options: DeployOptions): [Shared, () => void] {
  const stages = flights.flatMap((flight) => flight.stages);
  const deadline = deadlineSignal(options.deadlineAt ?? performance.now() + options.timeoutMs, () => {
    const silence = client.silence();
    return new DeadlineReached(options.timeoutMs, silence && { server: client.address, ...silence });
  });
  const either = (signal: AbortSignal | undefined) => (signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal);
  const stop = either(options.signal);
  const cancel = either(options.abortSignal ?? options.signal);
  // Every concurrent request and watch listens to these.
  setMaxListeners(0, stop, cancel);
  const context = { discovery: new Discovery(client), pendingNamespaces: new Set<string>(), schemas: plannedSchemas(stages), scopes: crdScopes(stages), stop, cancel };
  return [context, deadline.cancel];
}

/** What a deploy would prune, before anything is written: `Kind/namespace/name` of each object. */
export async function pendingPrunes(client: KubeClient, flights: PlannedFlight[], options: DeployOptions): Promise<string[]> {
  const [context, done] = shared(client, flights, options);
  try {
    const found = await Promise.all(flights.map((flight) => new FlightDeploy(client, context, flight, options, () => undefined).pendingPrunes()));
    return found.flat();
  } finally {
    done();
  }
}

export async function deployFlights(client: KubeClient, flights: PlannedFlight[], options: DeployOptions, report: Report): Promise<FlightSummary[]> {
  // Checked before anything starts: a missing flight found later would leave the others running.
  const missing = missingNeed(flights);
  if (missing) throw new DeployError(missing);
  const [context, done] = shared(client, flights, options);
  const running = new Map<string, Promise<FlightSummary>>();
  const started = (names: readonly string[]): Promise<FlightSummary[]> => Promise.all(names.map((need) => start(flights.find((candidate) => candidate.name === need)!)));
  const start = (flight: PlannedFlight): Promise<FlightSummary> => {
    let found = running.get(flight.name);
    if (!found) {
      const needs = started(flight.needs);
      // Started beside the flights that give it addresses; only its address waits hold for them.
      const addressesDeployed = started(flight.addressesFrom);
      // Its own failure is the one to report, should it fail first.
      addressesDeployed.catch(() => undefined);
      found = needs.then(() => new FlightDeploy(client, context, flight, options, report, addressesDeployed).run());
      running.set(flight.name, found);
    }
    return found;
  };
  try {
    const results = await Promise.allSettled(flights.map(start));
    const failure = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failure) throw failure.reason;
    return results.map((result) => (result as PromiseFulfilledResult<FlightSummary>).value);
  } finally {
    done();
  }
}

/** The releases retireReleases would delete: those of the given flights that have a revision. */
export async function pendingRetirements(client: KubeClient, releases: { name: string; release: string; namespace: string }[], options: DeployOptions): Promise<string[]> {
  const [context, done] = shared(client, [], options);
  try {
    const found = await Promise.all(
      releases.map(async (release) => (activeRevision(await listRevisions(client, { name: release.release, namespace: release.namespace }, context.stop)) ? [`release ${release.namespace}/${release.release}`] : [])),
    );
    return found.flat();
  } finally {
    done();
  }
}

/**
 * Deletes the releases of flights no longer declared, after the declared ones are deployed (the
 * new entry point answers before the old one goes), in the order given (undeclaredFlights puts
 * dependents first): everything their active revision applied, last stage first, with the same
 * CRD and namespace protection as a prune; then their records.
 */
export async function retireReleases(client: KubeClient, releases: { name: string; release: string; namespace: string }[], options: DeployOptions, report: Report): Promise<FlightSummary[]> {
  const [context, done] = shared(client, [], options);
  const summaries: FlightSummary[] = [];
  try {
    // One at a time, in the order given: dependents before what they depend on.
    for (const release of releases) {
      const summary = await new FlightDeploy(client, context, { ...release, needs: [], addressesFrom: [], input: undefined, stages: [] }, options, report).retire();
      if (summary) summaries.push(summary);
    }
    return summaries;
  } finally {
    done();
  }
}
