// One flight's deploy: its stages prepared with release metadata, each applied where it changed
// (a server dry run first), its gates waited for, its release recorded, and what it no longer
// renders pruned; or, for a flight no longer declared, its release retired.
import type { Resource, Stages } from "../flight/contract.ts";
import type { PlannedFlight } from "../flight/plan.ts";
import type { KubeClient, Json, RequestInit } from "./client.ts";
import { objectPath, type Discovery, type ResourceInfo } from "./discovery.ts";
import { crdScopes, identify, namespaceAnnotation, releaseAnnotation, splitPreStages, withReleaseMetadata, type Release } from "./prepare.ts";
import { containedIn } from "./subset.ts";
import { sameJson } from "./same.ts";
import { readiness } from "./readiness.ts";
import { activeRevision, listRevisions, revisionSecret } from "./revision.ts";
import { ApiRequestError, isWebhookFailure, sleep } from "./retry.ts";
import { describeDiff } from "./diff.ts";
import { DeadlineReached, shortDuration } from "./deadline.ts";
import { validateAgainstSchema } from "./crd-validate.ts";
import { DeployError, noOutcomes, type DeployOptions, type FlightSummary, type Outcome, type Report, type Shared } from "./deploy-contract.ts";
import { Gates, holdsAddress, type Prepared } from "./gates.ts";

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

export class FlightDeploy {
  private readonly release: Release;
  private readonly counts = noOutcomes();
  private readonly discovery: Discovery;
  private readonly writes: boolean;
  /** What the active revision applied, by identity, to recognise Jobs cleaned up after completing. */
  private readonly previouslyApplied = new Map<string, Resource>();
  /** Whether the flights giving this one's addresses are deployed already: then nothing is waited for. */
  private addressesReady = false;
  private readonly gates: Gates;

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
    this.gates = new Gates(client, shared.discovery, flight.name, report, shared.stop, options.abortSignal ?? options.signal, (entry) => this.resolve(entry));
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
      if (this.writes) await this.gates.forStage(waits.filter((entry) => !holdsAddress(entry)));
    }
    if (this.writes) await this.gates.forWebhooks(stages.flat());
    if (this.writes && addressWaits.length > 0) {
      const from = this.flight.addressesFrom;
      if (from.length > 0 && !this.addressesReady) this.report({ type: "waiting", flight: this.flight.name, what: `${from.join(", ")}, which gives ${addressWaits.map((entry) => entry.id).join(", ")} an address` });
      await this.addressesDeployed;
      await this.gates.forStage(addressWaits);
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
