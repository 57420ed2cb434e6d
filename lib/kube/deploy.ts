// Deploying planned flights: in `needs` order (independent flights concurrently), stage by stage,
// with a server dry run before each stage, server-side apply of what changed, readiness gates
// between stages, a yoke-format release record, and pruning of what a flight no longer renders.
import { setMaxListeners } from "node:events";
import type { Resource, Stages } from "../flight/contract.ts";
import type { PlannedFlight } from "../flight/plan.ts";
import type { KubeClient, Json } from "./client.ts";
import { Discovery, objectPath, type ResourceInfo } from "./discovery.ts";
import { crdScopes, identify, namespaceAnnotation, releaseAnnotation, splitPreStages, withReleaseMetadata, type Release } from "./prepare.ts";
import { containedIn } from "./subset.ts";
import { sameJson } from "./same.ts";
import { endpointsReady, readiness, requestedAddress, webhookCaReady } from "./readiness.ts";
import { waitUntilReady, waitUntilSetReady, WaitTimeout } from "./wait.ts";
import { allocationFailure, gatewayAddressFailure } from "./allocation.ts";
import { activeRevision, listRevisions, revisionSecret } from "./revision.ts";
import { ApiRequestError, isWebhookFailure, sleep } from "./retry.ts";
import { describeDiff } from "./diff.ts";
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
  timeoutMs: number;
  signal?: AbortSignal;
}

export const defaultDeployOptions: DeployOptions = {
  fieldManager: "yoke",
  forceConflicts: false,
  forceOwnership: false,
  dryRun: false,
  diff: false,
  removeCrds: false,
  removeNamespaces: false,
  timeoutMs: 5 * 60_000,
};

export type Outcome = "created" | "configured" | "unchanged" | "pruned" | "kept" | "would create" | "would change" | "would delete";

export const outcomes: readonly Outcome[] = ["created", "configured", "would create", "would change", "would delete", "unchanged", "pruned", "kept"];

export type DeployEvent =
  | { type: "flight"; flight: string; state: "start" | "done"; ms?: number }
  | { type: "stage"; flight: string; stage: number; stages: number; resources: number }
  | { type: "resource"; flight: string; resource: string; outcome: Outcome }
  | { type: "waiting"; flight: string; what: string }
  | { type: "diff"; flight: string; resource: string; text: string }
  | { type: "url"; flight: string; url: string };

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

/** What the flights of one deploy share: discovery, and in a dry run what would exist by now. */
interface Shared {
  discovery: Discovery;
  /** Namespaces a dry run would have created: the server cannot dry-run objects inside them. */
  pendingNamespaces: Set<string>;
  /** Schemas of the CRDs the plan installs, to check objects the server cannot check yet. */
  schemas: ReturnType<typeof plannedSchemas>;
  /** Kinds the plan's CRDs define (any flight's), and whether they are namespaced. */
  scopes: Map<string, boolean>;
}

function shared(client: KubeClient, flights: PlannedFlight[]): Shared {
  const stages = flights.flatMap((flight) => flight.stages);
  return { discovery: new Discovery(client), pendingNamespaces: new Set(), schemas: plannedSchemas(stages), scopes: crdScopes(stages) };
}

/** What a deploy would prune, before anything is written: `Kind/namespace/name` of each object. */
export async function pendingPrunes(client: KubeClient, flights: PlannedFlight[], options: DeployOptions): Promise<string[]> {
  const context = shared(client, flights);
  const found = await Promise.all(flights.map((flight) => new FlightDeploy(client, context, flight, options, () => undefined).pendingPrunes()));
  return found.flat();
}

export async function deployFlights(client: KubeClient, flights: PlannedFlight[], options: DeployOptions, report: Report): Promise<FlightSummary[]> {
  // Every concurrent request and watch listens to the one abort signal.
  if (options.signal) setMaxListeners(0, options.signal);
  const context = shared(client, flights);
  const running = new Map<string, Promise<FlightSummary>>();
  const start = (flight: PlannedFlight): Promise<FlightSummary> => {
    let found = running.get(flight.name);
    if (!found) {
      const needs = flight.needs.map((need) => {
        const needed = flights.find((candidate) => candidate.name === need);
        if (!needed) throw new DeployError(`flight ${flight.name} needs ${need}, which is not part of this deploy`);
        return start(needed);
      });
      found = Promise.all(needs).then(() => new FlightDeploy(client, context, flight, options, report).run());
      running.set(flight.name, found);
    }
    return found;
  };
  const results = await Promise.allSettled(flights.map(start));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failure) throw failure.reason;
  return results.map((result) => (result as PromiseFulfilledResult<FlightSummary>).value);
}

/** The releases retireReleases would delete: those of the given flights that have a revision. */
export async function pendingRetirements(client: KubeClient, releases: { name: string; release: string; namespace: string }[], signal?: AbortSignal): Promise<string[]> {
  const found = await Promise.all(
    releases.map(async (release) => (activeRevision(await listRevisions(client, { name: release.release, namespace: release.namespace }, signal)) ? [`release ${release.namespace}/${release.release}`] : [])),
  );
  return found.flat();
}

/**
 * Deletes the releases of flights no longer declared, after the declared ones are deployed (the
 * new entry point answers before the old one goes), in the order given (undeclaredFlights puts
 * dependents first): everything their active revision applied, last stage first, with the same
 * CRD and namespace protection as a prune; then their records.
 */
export async function retireReleases(client: KubeClient, releases: { name: string; release: string; namespace: string }[], options: DeployOptions, report: Report): Promise<FlightSummary[]> {
  const context = shared(client, []);
  const summaries: FlightSummary[] = [];
  // One at a time, in the order given: dependents before what they depend on.
  for (const release of releases) {
    const summary = await new FlightDeploy(client, context, { ...release, needs: [], input: undefined, stages: [] }, options, report).retire();
    if (summary) summaries.push(summary);
  }
  return summaries;
}

interface Prepared {
  resource: Resource;
  info: ResourceInfo | undefined;
  id: string;
}

class FlightDeploy {
  private readonly release: Release;
  private readonly counts = Object.fromEntries(outcomes.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
  private readonly discovery: Discovery;
  private readonly writes: boolean;
  /** What the active revision applied, by identity, to recognise Jobs cleaned up after completing. */
  private readonly previouslyApplied = new Map<string, Resource>();

  constructor(
    private readonly client: KubeClient,
    private readonly shared: Shared,
    private readonly flight: PlannedFlight,
    private readonly options: DeployOptions,
    private readonly report: Report,
  ) {
    this.release = { name: flight.release, namespace: flight.namespace };
    this.writes = !options.dryRun && !options.diff;
    this.discovery = shared.discovery;
  }

  async pendingPrunes(): Promise<string[]> {
    const stages = await this.prepare(this.flight.stages);
    const previous = activeRevision(await listRevisions(this.client, this.release, this.options.signal));
    if (!previous) return [];
    return (await this.doomed(previous.stages, stages.map((stage) => stage.map((entry) => entry.resource)))).flat().map(identify);
  }

  private outcome(resource: string, outcome: Outcome): void {
    this.counts[outcome] += 1;
    this.report({ type: "resource", flight: this.flight.name, resource, outcome });
  }

  async run(): Promise<FlightSummary> {
    const started = performance.now();
    this.report({ type: "flight", flight: this.flight.name, state: "start" });
    const stages = await this.prepare(this.flight.stages);
    const previous = activeRevision(await listRevisions(this.client, this.release, this.options.signal));
    for (const resource of previous?.stages.flat() ?? []) this.previouslyApplied.set(identify(resource), resource);
    for (const [index, stage] of stages.entries()) {
      this.report({ type: "stage", flight: this.flight.name, stage: index + 1, stages: stages.length, resources: stage.length });
      const settled = await this.applyStage(stage);
      if (this.writes) await this.waitForStage(stage.filter((entry) => !settled.has(entry.id)));
    }
    if (this.writes) await this.waitForWebhooks(stages.flat());
    const applied: Stages = stages.map((stage) => stage.map((entry) => entry.resource));
    const changed = !previous || !sameJson(previous.stages, applied);
    if (this.writes && changed) {
      const record = revisionSecret(this.release, applied, new Date());
      await this.client.json("PATCH", `/api/v1/namespaces/${this.release.namespace}/secrets/${record.metadata.name}`, {
        query: { fieldManager: this.options.fieldManager },
        body: JSON.stringify(record),
        contentType: "application/apply-patch+yaml",
        signal: this.options.signal,
      });
      if (previous) await this.prune(previous.stages, applied);
    }
    if (!this.writes && previous) {
      for (const resource of (await this.doomed(previous.stages, applied)).flat()) this.outcome(identify(resource), "would delete");
    }
    if (this.writes) await this.reportAddress(stages.flat());
    const ms = performance.now() - started;
    this.report({ type: "flight", flight: this.flight.name, state: "done", ms });
    return { flight: this.flight.name, counts: this.counts, ms, newRevision: this.writes && changed };
  }

  /** Prunes everything the active revision applied and deletes the release's records; undefined when never deployed. */
  async retire(): Promise<FlightSummary | undefined> {
    const started = performance.now();
    const revisions = await listRevisions(this.client, this.release, this.options.signal);
    const previous = activeRevision(revisions);
    if (!previous) return undefined;
    this.report({ type: "flight", flight: this.flight.name, state: "start" });
    if (this.writes) {
      await this.prune(previous.stages, []);
      for (const revision of revisions) {
        await this.client.json("DELETE", `/api/v1/namespaces/${this.release.namespace}/secrets/${revision.name}`, { signal: this.options.signal });
      }
    } else {
      for (const resource of (await this.doomed(previous.stages, [])).flat()) this.outcome(identify(resource), "would delete");
    }
    const ms = performance.now() - started;
    this.report({ type: "flight", flight: this.flight.name, state: "done", ms });
    return { flight: this.flight.name, counts: this.counts, ms, newRevision: false };
  }

  /** yoke's stage rules plus release metadata; kinds the API does not serve yet come from the flight's own CRDs. */
  private async prepare(stages: Stages): Promise<Prepared[][]> {
    const scopes = new Map([...this.shared.scopes, ...crdScopes(stages)]);
    const result: Prepared[][] = [];
    for (const stage of splitPreStages(stages)) {
      const prepared: Prepared[] = [];
      for (const resource of stage) {
        const info = await this.discovery.find(resource.apiVersion, resource.kind, this.options.signal);
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
    const info = await this.discovery.find(entry.resource.apiVersion, entry.resource.kind, this.options.signal);
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
          this.outcome(entry.id, "would create");
          if (this.options.diff) this.report({ type: "diff", flight: this.flight.name, resource: entry.id, text: describeDiff(undefined, entry.resource) });
          return undefined;
        }
        await this.resolve(entry);
        return entry;
      }),
    );
    const live = await Promise.all(
      servable.map(async (entry) => (entry ? { entry, live: await this.client.getOrUndefined(this.path(entry), this.options.signal) } : undefined)),
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
        this.outcome(entry.id, before ? "would change" : "would create");
        if (this.options.diff) this.report({ type: "diff", flight: this.flight.name, resource: entry.id, text: describeDiff(before, previews[index]) });
      });
      return settled;
    }
    await this.untilWebhooksAnswer(() =>
      Promise.all(
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
    try {
      return await this.client.json("PATCH", this.path(entry), {
        query: { fieldManager: this.options.fieldManager, force: String(this.options.forceConflicts), dryRun: dryRun ? "All" : undefined },
        body: JSON.stringify(entry.resource),
        contentType: "application/apply-patch+yaml",
        signal: this.options.signal,
      });
    } catch (error) {
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

  /** Admission webhooks refuse everything until they serve: retry with backoff, up to the timeout. */
  private async untilWebhooksAnswer<T>(work: () => Promise<T>): Promise<T> {
    const deadline = performance.now() + this.options.timeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!isWebhookFailure(error)) throw error;
        if (performance.now() > deadline) {
          throw new DeployError(`${this.flight.name}: timed out after ${Math.round(this.options.timeoutMs / 1000)}s waiting for an admission webhook: ${(error as Error).message}`);
        }
        this.report({ type: "waiting", flight: this.flight.name, what: "an admission webhook to answer" });
        await sleep(Math.min(50 * 2 ** (attempt - 1), 2000), this.options.signal);
      }
    }
  }

  private async waitForStage(stage: Prepared[]): Promise<void> {
    await Promise.all(
      stage.map(async (entry) => {
        const info = await this.resolve(entry);
        this.report({ type: "waiting", flight: this.flight.name, what: entry.id });
        await waitUntilReady(
          this.client,
          {
            info,
            namespace: entry.resource.metadata.namespace,
            name: entry.resource.metadata.name,
            what: entry.id,
            check: (object) => readiness(info.kind, object),
            goneMeansDone: entry.resource.kind === "Job",
          },
          this.options.timeoutMs,
          this.options.signal,
        ).catch((error) => this.explainTimeout(entry, error));
        if (entry.resource.kind === "CustomResourceDefinition") {
          const spec = entry.resource.spec as { group: string; versions: { name: string }[] };
          for (const version of spec.versions) this.discovery.forget(`${spec.group}/${version.name}`);
        }
      }),
    );
  }

  /** A missing load balancer address: add MetalLB's own reason, when it gave one. */
  private async explainTimeout(entry: Prepared, error: unknown): Promise<never> {
    if (!(error instanceof WaitTimeout)) throw error;
    const { kind, metadata } = entry.resource;
    const namespace = metadata.namespace!;
    let why: string | undefined;
    if (kind === "Gateway") why = await gatewayAddressFailure(this.client, namespace, metadata.name, this.options.signal);
    else if (kind === "Service" && (entry.resource.spec as Json)?.type === "LoadBalancer") why = await allocationFailure(this.client, namespace, metadata.name, this.options.signal);
    throw why ? new DeployError(`${error.message}; ${why}`) : error;
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
    const slices = services.size > 0 ? await this.discovery.find("discovery.k8s.io/v1", "EndpointSlice", this.options.signal) : undefined;
    await Promise.all([
      ...configurations.map(async (entry) => {
        this.report({ type: "waiting", flight: this.flight.name, what: `${entry.id} caBundle` });
        await waitUntilReady(
          this.client,
          { info: await this.resolve(entry), namespace: undefined, name: entry.resource.metadata.name, what: entry.id, check: webhookCaReady },
          this.options.timeoutMs,
          this.options.signal,
        );
      }),
      ...[...services].map(async ([id, service]) => {
        if (!slices) throw new DeployError(`${this.flight.name}: the API serves no discovery.k8s.io/v1 EndpointSlice, so webhook Service ${id} cannot be checked`);
        this.report({ type: "waiting", flight: this.flight.name, what: `Service/${service.namespace}/${service.name} ready endpoint` });
        await waitUntilSetReady(
          this.client,
          { info: slices, namespace: service.namespace, labelSelector: `kubernetes.io/service-name=${service.name}`, what: `webhook Service ${id} endpoints`, check: endpointsReady },
          this.options.timeoutMs,
          this.options.signal,
        );
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
    const info = await this.discovery.find(resource.apiVersion, resource.kind, this.options.signal);
    if (!info) return undefined;
    const path = objectPath(info, resource.metadata.namespace, resource.metadata.name);
    const live = await this.client.getOrUndefined(path, this.options.signal);
    return live && live.metadata?.annotations?.[releaseAnnotation] === this.release.name ? path : undefined;
  }

  /** Deletes what the previous revision had and this one lacks, last stage first. */
  private async prune(previous: Stages, current: Stages): Promise<void> {
    const keep = new Set(current.flat().map(identify));
    for (const stage of [...previous].reverse()) {
      await Promise.all(
        stage
          .filter((resource) => !keep.has(identify(resource)))
          .map(async (resource) => {
            const id = identify(resource);
            if (this.isProtected(resource)) return this.outcome(id, "kept");
            const path = await this.liveOwned(resource);
            if (!path) return;
            await this.client.json("DELETE", path, { query: { propagationPolicy: "Foreground" }, signal: this.options.signal });
            this.outcome(id, "pruned");
          }),
      );
    }
  }

  private async reportAddress(resources: Prepared[]): Promise<void> {
    for (const entry of resources) {
      if (entry.resource.kind === "Gateway") {
        const live = await this.client.getOrUndefined(this.path(entry), this.options.signal);
        const address = live?.status?.addresses?.[0]?.value;
        if (address) this.report({ type: "url", flight: this.flight.name, url: `http://${address}/` });
        continue;
      }
      if (entry.resource.kind !== "Service" || (entry.resource.spec as Json)?.type !== "LoadBalancer") continue;
      const live = await this.client.getOrUndefined(this.path(entry), this.options.signal);
      const ip = live?.status?.loadBalancer?.ingress?.[0]?.ip ?? requestedAddress(entry.resource);
      if (ip) this.report({ type: "url", flight: this.flight.name, url: `http://${ip}/` });
    }
  }
}
