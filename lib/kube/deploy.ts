// Deploying planned flights: in `needs` order (independent flights concurrently), stage by stage,
// with a server dry run before each stage, server-side apply of what changed, readiness gates
// between stages, a yoke-format release record, and pruning of what a flight no longer renders.
import { setMaxListeners } from "node:events";
import type { Resource, Stages } from "../flight/contract.ts";
import type { PlannedFlight } from "../flight/plan.ts";
import { missingNeed } from "../flight/graph.ts";
import type { KubeClient, Json, RequestInit } from "./client.ts";
import { Discovery, objectPath, type ResourceInfo } from "./discovery.ts";
import { crdScopes, identify, namespaceAnnotation, releaseAnnotation, splitPreStages, withReleaseMetadata, type Release } from "./prepare.ts";
import { containedIn } from "./subset.ts";
import { sameJson } from "./same.ts";
import { endpointsReady, readiness, webhookCaReady } from "./readiness.ts";
import { waitUntilReady, waitUntilSetReady, WaitTimeout } from "./wait.ts";
import { allocationFailure, gatewayAddressFailure } from "./allocation.ts";
import { activeRevision, listRevisions, revisionSecret } from "./revision.ts";
import { ApiRequestError, isWebhookFailure, sleep } from "./retry.ts";
import { describeDiff } from "./diff.ts";
import { DeadlineReached, deadlineSignal, shortDuration } from "./deadline.ts";
import { explainGate } from "./explain.ts";
import { plannedSchemas, validateAgainstSchema } from "./crd-validate.ts";

export interface DeployOptions {
  fieldManager: string;
  forceConflicts: boolean;
  forceOwnership: boolean;
  /** Server dry run only: nothing is written. */
  dryRun: boolean;
  /** Print what would change (server dry run against live) and write nothing. */
  diff: boolean;
  removeCrds: boolean;
  removeNamespaces: boolean;
  /** How long the whole run may take (--timeout): every wait, retry and request ends by then. */
  timeoutMs: number;
  /** When the run must end (a performance.now() time), for calls that share one deadline; default: timeoutMs from the call. */
  deadlineAt?: number;
  /** Stop (Ctrl-C): nothing new is started and every wait ends, but writes already sent still get their answer. */
  signal?: AbortSignal;
  /** Cancel the writes still in flight too (a second Ctrl-C, or the grace after the first). Default: `signal`. */
  abortSignal?: AbortSignal;
}

export const defaultDeployOptions: DeployOptions = {
  fieldManager: "yoke",
  forceConflicts: false,
  forceOwnership: false,
  dryRun: false,
  diff: false,
  removeCrds: false,
  removeNamespaces: false,
  timeoutMs: 15 * 60_000,
};

/** `unanswered`: a write sent before the run was stopped whose answer never came; the server may have applied it. */
export type Outcome = "created" | "configured" | "unchanged" | "pruned" | "kept" | "would create" | "would change" | "would delete" | "unanswered";

export const outcomes: readonly Outcome[] = ["created", "configured", "would create", "would change", "would delete", "unchanged", "pruned", "kept", "unanswered"];

export type DeployEvent =
  | { type: "flight"; flight: string; state: "start" }
  | { type: "flight"; flight: string; state: "done"; ms: number; newRevision: boolean }
  | { type: "stage"; flight: string; stage: number; stages: number; resources: number }
  /** `diff`: with --diff, what would change in the object, one `+`/`-` line per field. */
  | { type: "resource"; flight: string; resource: string; outcome: Outcome; diff?: string }
  | { type: "waiting"; flight: string; what: string }
  /** A LoadBalancer Service or Gateway holds its address (whether it answers there is hangar doctor's question). */
  | { type: "address"; flight: string; address: string; holder: string };

export interface FlightSummary {
  flight: string;
  counts: Record<Outcome, number>;
  ms: number;
  newRevision: boolean;
}

export class DeployError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeployError";
  }
}

type Report = (event: DeployEvent) => void;

/** What the flights of one deploy share: discovery, the run's signals, and in a dry run what would exist by now. */
interface Shared {
  discovery: Discovery;
  /** Namespaces a dry run would have created: the server cannot dry-run objects inside them. */
  pendingNamespaces: Set<string>;
  /** Schemas of the CRDs the plan installs, to check objects the server cannot check yet. */
  schemas: ReturnType<typeof plannedSchemas>;
  /** Kinds the plan's CRDs define (any flight's), and whether they are namespaced. */
  scopes: Map<string, boolean>;
  /** Ends reads, waits and backoff: Ctrl-C, or the deadline. */
  stop: AbortSignal;
  /** Ends writes in flight: the hard stop, or the deadline. */
  cancel: AbortSignal;
}

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

/**
 * Like Promise.all for writes, but settles only when every write has its answer (or was
 * cancelled): what the server confirmed is reported even when one of them fails.
 */
async function allAnswered<T>(writes: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(writes);
  const failure = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failure) throw failure.reason;
  return results.map((result) => (result as PromiseFulfilledResult<T>).value);
}

interface Prepared {
  resource: Resource;
  info: ResourceInfo | undefined;
  id: string;
}

/** A LoadBalancer Service or a Gateway: ready once it holds its address. */
function holdsAddress(entry: Prepared): boolean {
  const { kind, spec } = entry.resource as Resource & { spec?: Json };
  return kind === "Gateway" || (kind === "Service" && spec?.type === "LoadBalancer");
}

class FlightDeploy {
  private readonly release: Release;
  private readonly counts = Object.fromEntries(outcomes.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
  private readonly discovery: Discovery;
  private readonly writes: boolean;
  /** What the active revision applied, by identity, to recognise Jobs cleaned up after completing. */
  private readonly previouslyApplied = new Map<string, Resource>();
  /** Whether the flights giving this one's addresses are deployed already: then nothing is waited for. */
  private addressesReady = false;

  constructor(
    private readonly client: KubeClient,
    private readonly shared: Shared,
    private readonly flight: PlannedFlight,
    private readonly options: DeployOptions,
    private readonly report: Report,
    /** Settles once the flights that give this one's addresses (its addressesFrom) are deployed. */
    private readonly addressesDeployed: Promise<unknown> = Promise.resolve(),
  ) {
    this.release = { name: flight.release, namespace: flight.namespace };
    this.writes = !options.dryRun && !options.diff;
    this.discovery = shared.discovery;
    void addressesDeployed.then(
      () => (this.addressesReady = true),
      () => undefined,
    );
  }

  async pendingPrunes(): Promise<string[]> {
    const stages = await this.prepare(this.flight.stages);
    const previous = activeRevision(await listRevisions(this.client, this.release, this.shared.stop));
    if (!previous) return [];
    return (await this.doomed(previous.stages, stages.map((stage) => stage.map((entry) => entry.resource)))).flat().map(identify);
  }

  private outcome(resource: string, outcome: Outcome, diff?: string): void {
    this.counts[outcome] += 1;
    this.report({ type: "resource", flight: this.flight.name, resource, outcome, ...(diff !== undefined && { diff }) });
  }

  /** Nothing new starts once the run is stopped. */
  private checkpoint(): void {
    if (this.shared.stop.aborted) throw this.shared.stop.reason;
  }

  /** A write: it starts only while the run goes on, and once sent it runs until answered or cancelled. */
  private write(method: string, path: string, init: Omit<RequestInit, "signal">): Promise<Json> {
    this.checkpoint();
    return this.client.json(method, path, { ...init, signal: this.shared.cancel });
  }

  async run(): Promise<FlightSummary> {
    const started = performance.now();
    this.report({ type: "flight", flight: this.flight.name, state: "start" });
    const stages = await this.prepare(this.flight.stages);
    const previous = activeRevision(await listRevisions(this.client, this.release, this.shared.stop));
    for (const resource of previous?.stages.flat() ?? []) this.previouslyApplied.set(identify(resource), resource);
    // Nothing in a flight waits for its own addresses: they are waited for last.
    const addressWaits: Prepared[] = [];
    for (const [index, stage] of stages.entries()) {
      this.report({ type: "stage", flight: this.flight.name, stage: index + 1, stages: stages.length, resources: stage.length });
      const settled = await this.applyStage(stage);
      const waits = stage.filter((entry) => !settled.has(entry.id));
      addressWaits.push(...waits.filter(holdsAddress));
      if (this.writes) await this.waitForStage(waits.filter((entry) => !holdsAddress(entry)));
    }
    if (this.writes) await this.waitForWebhooks(stages.flat());
    if (this.writes && addressWaits.length > 0) {
      const from = this.flight.addressesFrom;
      if (from.length > 0 && !this.addressesReady) this.report({ type: "waiting", flight: this.flight.name, what: `${from.join(", ")}, which gives ${addressWaits.map((entry) => entry.id).join(", ")} an address` });
      await this.addressesDeployed;
      await this.waitForStage(addressWaits);
    }
    const applied: Stages = stages.map((stage) => stage.map((entry) => entry.resource));
    const changed = !previous || !sameJson(previous.stages, applied);
    if (this.writes && changed) {
      const record = revisionSecret(this.release, applied, new Date());
      await this.write("PATCH", `/api/v1/namespaces/${this.release.namespace}/secrets/${record.metadata.name}`, {
        query: { fieldManager: this.options.fieldManager },
        body: JSON.stringify(record),
        contentType: "application/apply-patch+yaml",
      });
      if (previous) await this.prune(previous.stages, applied);
    }
    if (!this.writes && previous) {
      for (const resource of (await this.doomed(previous.stages, applied)).flat()) this.outcome(identify(resource), "would delete");
    }
    if (this.writes) await this.reportAddress(stages.flat());
    const ms = performance.now() - started;
    const newRevision = this.writes && changed;
    this.report({ type: "flight", flight: this.flight.name, state: "done", ms, newRevision });
    return { flight: this.flight.name, counts: this.counts, ms, newRevision };
  }

  /** Prunes everything the active revision applied and deletes the release's records; undefined when never deployed. */
  async retire(): Promise<FlightSummary | undefined> {
    const started = performance.now();
    const revisions = await listRevisions(this.client, this.release, this.shared.stop);
    const previous = activeRevision(revisions);
    if (!previous) return undefined;
    this.report({ type: "flight", flight: this.flight.name, state: "start" });
    if (this.writes) {
      await this.prune(previous.stages, []);
      for (const revision of revisions) {
        await this.write("DELETE", `/api/v1/namespaces/${this.release.namespace}/secrets/${revision.name}`, {});
      }
    } else {
      for (const resource of (await this.doomed(previous.stages, [])).flat()) this.outcome(identify(resource), "would delete");
    }
    const ms = performance.now() - started;
    this.report({ type: "flight", flight: this.flight.name, state: "done", ms, newRevision: false });
    return { flight: this.flight.name, counts: this.counts, ms, newRevision: false };
  }

  /** yoke's stage rules plus release metadata; kinds the API does not serve yet come from the flight's own CRDs. */
  private async prepare(stages: Stages): Promise<Prepared[][]> {
    const scopes = new Map([...this.shared.scopes, ...crdScopes(stages)]);
    const result: Prepared[][] = [];
    for (const stage of splitPreStages(stages)) {
      const prepared: Prepared[] = [];
      for (const resource of stage) {
        const info = await this.discovery.find(resource.apiVersion, resource.kind, this.shared.stop);
        const namespaced = info?.namespaced ?? scopes.get(`${resource.apiVersion}/${resource.kind}`);
        if (namespaced === undefined) {
          throw new DeployError(`${this.flight.name}: the API serves no ${resource.kind} in ${resource.apiVersion}; is the flight that installs its CRD deployed?`);
        }
        const withMetadata = withReleaseMetadata(resource, this.release, namespaced);
        prepared.push({ resource: withMetadata, info, id: identify(withMetadata) });
      }
      result.push(prepared);
    }
    return result;
  }

  private async resolve(entry: Prepared): Promise<ResourceInfo> {
    if (entry.info) return entry.info;
    // A kind from a CRD applied earlier in this flight: discoverable now that it is Established.
    this.discovery.forget(entry.resource.apiVersion);
    const info = await this.discovery.find(entry.resource.apiVersion, entry.resource.kind, this.shared.stop);
    if (!info) throw new DeployError(`${entry.id}: the API does not serve ${entry.resource.apiVersion} ${entry.resource.kind}`);
    entry.info = info;
    return info;
  }

  private path(entry: Prepared): string {
    return objectPath(entry.info!, entry.resource.metadata.namespace, entry.resource.metadata.name);
  }

  /** Applies what changed; returns the unchanged objects that are already ready, which need no wait. */
  private async applyStage(stage: Prepared[]): Promise<Set<string>> {
    const settled = new Set<string>();
    const servable = await Promise.all(
      stage.map(async (entry) => {
        if (!this.writes && (!entry.info || this.inPendingNamespace(entry))) {
          // Dry run before its CRD or its namespace exists: the server cannot check it yet, the
          // plan's own CRD schema can.
          this.validateLocally(entry);
          this.outcome(entry.id, "would create", this.options.diff ? describeDiff(undefined, entry.resource) : undefined);
          return undefined;
        }
        await this.resolve(entry);
        return entry;
      }),
    );
    const live = await Promise.all(
      servable.map(async (entry) => (entry ? { entry, live: await this.client.getOrUndefined(this.path(entry), this.shared.stop) } : undefined)),
    );
    const changed: { entry: Prepared; live: Json }[] = [];
    for (const item of live) {
      if (!item) continue;
      this.checkOwnership(item.entry, item.live);
      if ((item.live && containedIn(item.entry.resource, item.live)) || this.finishedJob(item.entry, item.live)) {
        if (!item.live || readiness(item.entry.resource.kind, item.live).ready) settled.add(item.entry.id);
        this.outcome(item.entry.id, "unchanged");
      } else {
        changed.push(item);
      }
    }
    if (changed.length === 0) return settled;
    const previews = await this.untilWebhooksAnswer(() => Promise.all(changed.map(({ entry }) => this.apply(entry, true))));
    if (!this.writes) {
      changed.forEach(({ entry, live: before }, index) => {
        if (!before && entry.resource.kind === "Namespace") this.shared.pendingNamespaces.add(entry.resource.metadata.name);
        this.outcome(entry.id, before ? "would change" : "would create", this.options.diff ? describeDiff(before, previews[index]) : undefined);
      });
      return settled;
    }
    await this.untilWebhooksAnswer(() =>
      allAnswered(
        changed.map(async ({ entry, live: before }) => {
          await this.apply(entry, false);
          this.outcome(entry.id, before ? "configured" : "created");
        }),
      ),
    );
    return settled;
  }

  /** A Job with a TTL that this release already ran unchanged, and that has since cleaned itself up. */
  private finishedJob(entry: Prepared, live: Json | undefined): boolean {
    const resource = entry.resource;
    return !live && resource.kind === "Job" && (resource.spec as Json)?.ttlSecondsAfterFinished !== undefined && sameJson(this.previouslyApplied.get(entry.id), resource);
  }

  private checkOwnership(entry: Prepared, live: Json | undefined): void {
    const owner = live?.metadata?.annotations?.[releaseAnnotation];
    const ownerNamespace = live?.metadata?.annotations?.[namespaceAnnotation];
    if (!owner || (owner === this.release.name && ownerNamespace === this.release.namespace) || this.options.forceOwnership) return;
    throw new DeployError(
      `${entry.id} belongs to release ${ownerNamespace}/${owner}, not ${this.release.namespace}/${this.release.name}; re-run with --force-ownership to take it over`,
    );
  }

  private async apply(entry: Prepared, dryRun: boolean): Promise<Json> {
    const init = {
      query: { fieldManager: this.options.fieldManager, force: String(this.options.forceConflicts), dryRun: dryRun ? "All" : undefined },
      body: JSON.stringify(entry.resource),
      contentType: "application/apply-patch+yaml",
    };
    try {
      // A dry run writes nothing: it ends with the run. A real apply, once sent, waits for its answer.
      return await (dryRun ? this.client.json("PATCH", this.path(entry), { ...init, signal: this.shared.stop }) : this.write("PATCH", this.path(entry), init));
    } catch (error) {
      if (!dryRun && this.shared.cancel.aborted && error === this.shared.cancel.reason) this.outcome(entry.id, "unanswered");
      if (error instanceof ApiRequestError && error.status === 409) {
        const first = error.message.split("\n")[0]!.replace(/^Apply failed with \d+ conflicts?: /, "");
        throw new DeployError(`${entry.id}: ${first}; another field manager owns that field. Re-run with --force-conflicts to take it over`);
      }
      // Name the object: the API's own message does not always (a webhook refusal is retried as is).
      if (error instanceof ApiRequestError && error.status !== undefined && !isWebhookFailure(error)) {
        throw new DeployError(`${entry.id}: ${dryRun ? "the server's dry run refused it" : "the server refused it"}: ${error.message}`);
      }
      throw error;
    }
  }

  /** Admission webhooks refuse everything until they serve: retry with backoff, up to the deadline. */
  private async untilWebhooksAnswer<T>(work: () => Promise<T>): Promise<T> {
    let refusal: Error | undefined;
    // At the deadline, the webhook's last refusal says more than the deadline itself.
    const stopped = (error: unknown) =>
      refusal && error instanceof DeadlineReached && !error.silence
        ? new DeployError(`${this.flight.name}: timed out after ${shortDuration(error.timeoutMs)} (the deploy's --timeout) waiting for an admission webhook to answer: ${refusal.message}`)
        : error;
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!isWebhookFailure(error)) throw stopped(error);
        refusal = error as Error;
      }
      this.report({ type: "waiting", flight: this.flight.name, what: "an admission webhook to answer" });
      await sleep(Math.min(50 * 2 ** (attempt - 1), 2000), this.shared.stop).catch((error) => {
        throw stopped(error);
      });
    }
  }

  private async waitForStage(stage: Prepared[]): Promise<void> {
    await Promise.all(
      stage.map(async (entry) => {
        const info = await this.resolve(entry);
        await waitUntilReady(
          this.client,
          {
            info,
            namespace: entry.resource.metadata.namespace,
            name: entry.resource.metadata.name,
            what: entry.id,
            check: (object) => readiness(info.kind, object),
            goneMeansDone: entry.resource.kind === "Job",
            onWait: () => this.report({ type: "waiting", flight: this.flight.name, what: entry.id }),
          },
          this.shared.stop,
        ).catch((error) => this.explainTimeout(error, this.gateOf(entry)));
        if (entry.resource.kind === "CustomResourceDefinition") {
          const spec = entry.resource.spec as { group: string; versions: { name: string }[] };
          for (const version of spec.versions) this.discovery.forget(`${spec.group}/${version.name}`);
        }
      }),
    );
  }

  /** What can be said about why an object is not ready, beyond its own status. */
  private gateOf(entry: Prepared): (signal: AbortSignal) => Promise<string | undefined> {
    const { kind, metadata, spec } = entry.resource as Resource & { spec?: Json };
    const namespace = metadata.namespace!;
    if (kind === "Gateway") return (signal) => gatewayAddressFailure(this.client, namespace, metadata.name, signal);
    if (kind === "Service" && spec?.type === "LoadBalancer") return (signal) => allocationFailure(this.client, namespace, metadata.name, signal);
    if (kind === "Deployment" || kind === "DaemonSet" || kind === "Job") return (signal) => explainGate(this.client, { kind, namespace, name: metadata.name }, signal);
    return async () => undefined;
  }

  /**
   * A gate that timed out says why, as far as the cluster tells: MetalLB's reason for a missing
   * address, the workloads behind it with their pods and newest warnings. Asked with a short
   * deadline of its own (the run's has passed); when the cluster cannot say, the timeout stands.
   */
  private async explainTimeout(error: unknown, why: (signal: AbortSignal) => Promise<string | undefined>): Promise<never> {
    if (!(error instanceof WaitTimeout)) throw error;
    const hardStop = this.options.abortSignal ?? this.options.signal;
    const signal = AbortSignal.any([AbortSignal.timeout(10_000), ...(hardStop ? [hardStop] : [])]);
    const found = await why(signal).catch(() => undefined);
    throw found ? new DeployError(`${error.message}; ${found}`) : error;
  }

  /**
   * A flight that installs webhooks is done only when they can answer: every caBundle set (TLS
   * can be verified) and every webhook's Service backed by a ready endpoint.
   */
  private async waitForWebhooks(resources: Prepared[]): Promise<void> {
    const configurations = resources.filter((entry) => entry.resource.kind === "ValidatingWebhookConfiguration" || entry.resource.kind === "MutatingWebhookConfiguration");
    const services = new Map<string, { namespace: string; name: string }>();
    for (const entry of configurations) {
      for (const hook of (entry.resource.webhooks as Json[] | undefined) ?? []) {
        const service = hook.clientConfig?.service;
        if (service) services.set(`${service.namespace}/${service.name}`, service);
      }
    }
    // The CA is injected by what runs behind the webhooks' Services (MetalLB's controller, a certgen Job's pods).
    const behind = (signal: AbortSignal) =>
      Promise.all([...services.values()].map((service) => explainGate(this.client, { kind: "Service", ...service }, signal))).then((found) => found.filter(Boolean).join("; ") || undefined);
    const slices = services.size > 0 ? await this.discovery.find("discovery.k8s.io/v1", "EndpointSlice", this.shared.stop) : undefined;
    await Promise.all([
      ...configurations.map(async (entry) => {
        await waitUntilReady(
          this.client,
          {
            info: await this.resolve(entry),
            namespace: undefined,
            name: entry.resource.metadata.name,
            what: entry.id,
            check: webhookCaReady,
            onWait: () => this.report({ type: "waiting", flight: this.flight.name, what: `${entry.id} caBundle` }),
          },
          this.shared.stop,
        ).catch((error) => this.explainTimeout(error, behind));
      }),
      ...[...services].map(async ([id, service]) => {
        if (!slices) throw new DeployError(`${this.flight.name}: the API serves no discovery.k8s.io/v1 EndpointSlice, so webhook Service ${id} cannot be checked`);
        await waitUntilSetReady(
          this.client,
          {
            info: slices,
            namespace: service.namespace,
            labelSelector: `kubernetes.io/service-name=${service.name}`,
            what: `webhook Service ${id} endpoints`,
            check: endpointsReady,
            onWait: () => this.report({ type: "waiting", flight: this.flight.name, what: `Service/${service.namespace}/${service.name} ready endpoint` }),
          },
          this.shared.stop,
        ).catch((error) => this.explainTimeout(error, (signal) => explainGate(this.client, { kind: "Service", ...service }, signal)));
      }),
    ]);
  }

  private inPendingNamespace(entry: Prepared): boolean {
    const namespace = entry.resource.metadata.namespace;
    return entry.info?.namespaced === true && namespace !== undefined && this.shared.pendingNamespaces.has(namespace);
  }

  private validateLocally(entry: Prepared): void {
    const found = this.shared.schemas.get(`${entry.resource.apiVersion}/${entry.resource.kind}`);
    if (!found) return;
    const problems = validateAgainstSchema(entry.resource, found.schema);
    if (problems.length > 0) {
      throw new DeployError(`${entry.id}: does not fit the schema of CRD ${found.crd}: ${problems.join("; ")}`);
    }
  }

  /** Objects of the previous revision that the current one lacks and that would be deleted, by stage. */
  private async doomed(previous: Stages, current: Stages): Promise<Resource[][]> {
    const keep = new Set(current.flat().map(identify));
    return Promise.all(
      previous.map(async (stage) => {
        const found = await Promise.all(
          stage
            .filter((resource) => !keep.has(identify(resource)) && !this.isProtected(resource))
            .map(async (resource) => ((await this.liveOwned(resource)) ? resource : undefined)),
        );
        return found.filter((resource): resource is Resource => resource !== undefined);
      }),
    );
  }

  private isProtected(resource: Resource): boolean {
    return (resource.kind === "CustomResourceDefinition" && !this.options.removeCrds) || (resource.kind === "Namespace" && !this.options.removeNamespaces);
  }

  /** The live object's path when it exists and this release owns it. */
  private async liveOwned(resource: Resource): Promise<string | undefined> {
    const info = await this.discovery.find(resource.apiVersion, resource.kind, this.shared.stop);
    if (!info) return undefined;
    const path = objectPath(info, resource.metadata.namespace, resource.metadata.name);
    const live = await this.client.getOrUndefined(path, this.shared.stop);
    return live && live.metadata?.annotations?.[releaseAnnotation] === this.release.name ? path : undefined;
  }

  /** Deletes what the previous revision had and this one lacks, last stage first. */
  private async prune(previous: Stages, current: Stages): Promise<void> {
    const keep = new Set(current.flat().map(identify));
    for (const stage of [...previous].reverse()) {
      await allAnswered(
        stage
          .filter((resource) => !keep.has(identify(resource)))
          .map(async (resource) => {
            const id = identify(resource);
            if (this.isProtected(resource)) return this.outcome(id, "kept");
            const path = await this.liveOwned(resource);
            if (!path) return;
            try {
              await this.write("DELETE", path, { query: { propagationPolicy: "Foreground" } });
            } catch (error) {
              if (this.shared.cancel.aborted && error === this.shared.cancel.reason) this.outcome(id, "unanswered");
              throw error;
            }
            this.outcome(id, "pruned");
          }),
      );
    }
  }

  /** Where the entry points' addresses are held; deploy never connects to them (hangar doctor does, from the LAN). */
  private async reportAddress(resources: Prepared[]): Promise<void> {
    for (const entry of resources.filter(holdsAddress)) {
      const { kind, metadata } = entry.resource;
      const live = await this.client.getOrUndefined(this.path(entry), this.shared.stop);
      const address = kind === "Gateway" ? live?.status?.addresses?.[0]?.value : live?.status?.loadBalancer?.ingress?.[0]?.ip;
      if (address) this.report({ type: "address", flight: this.flight.name, address, holder: `${kind} ${metadata.namespace}/${metadata.name}` });
    }
  }
}
