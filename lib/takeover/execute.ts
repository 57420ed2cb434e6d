// Carrying out a takeover plan, in the only safe order: (1) deploy the flights with hangar's
// field manager forcing ownership of every field it renders, waiting until everything is ready
// and recording yoke revisions; (2) drop Helm's marks from each adopted object (its release
// annotations, its chart label, the managedFields entries of the previous managers) so that a
// later `helm uninstall` or Terraform run no longer regards it as theirs; (3) delete what the
// retired releases had and hangar does not render; (4) only then delete Helm's release records.
// Every step reads before it writes, so an interrupted takeover re-run converges; a takeover of
// a cluster hangar already owns writes nothing.
import type { PlannedFlight } from "../flight/plan.ts";
import type { KubeClient, Json } from "../kube/client.ts";
import { deployFlights, type DeployEvent, type DeployOptions, type FlightSummary } from "../kube/deploy.ts";
import { ApiRequestError } from "../kube/retry.ts";
import { helmChartLabel, helmReleaseName, helmReleaseNamespace } from "./helm.ts";
import type { PlannedObject, TakeoverPlan } from "./plan.ts";

export interface TakeoverOptions {
  deploy: DeployOptions;
  /** Field managers whose managedFields entries go: Helm's, and Terraform's kubernetes_manifest. */
  previousManagers: readonly string[];
}

export const defaultPreviousManagers = ["helm", "Terraform"];

export type TakeoverEvent = DeployEvent | { type: "takeover"; step: "released" | "pruned" | "retired"; what: string };

export interface TakeoverResult {
  summaries: FlightSummary[];
  released: string[];
  pruned: string[];
  retired: string[];
}

/** JSON pointer escaping (RFC 6901) of one key. */
const escape = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");

/** The JSON patch that removes Helm's marks from a live object; empty when there are none. */
export function releaseOperations(live: Json, object: Pick<PlannedObject, "keepsChartLabel">, previousManagers: readonly string[]): Json[] {
  const annotations = live.metadata?.annotations ?? {};
  const labels = live.metadata?.labels ?? {};
  const managed: Json[] = live.metadata?.managedFields ?? [];
  const kept = managed.filter((entry) => !previousManagers.includes(entry.manager));
  const operations: Json[] = [
    ...[helmReleaseName, helmReleaseNamespace].filter((key) => key in annotations).map((key) => ({ op: "remove", path: `/metadata/annotations/${escape(key)}` })),
    ...(helmChartLabel in labels && !object.keepsChartLabel ? [{ op: "remove", path: `/metadata/labels/${escape(helmChartLabel)}` }] : []),
    // Without their entries the previous managers own nothing: hangar's apply alone decides.
    ...(kept.length < managed.length && kept.length > 0 ? [{ op: "replace", path: "/metadata/managedFields", value: kept }] : []),
  ];
  // Refused (422) if the object changed since it was read; the caller reads again.
  return operations.length > 0 ? [{ op: "test", path: "/metadata/resourceVersion", value: live.metadata.resourceVersion }, ...operations] : [];
}

async function release(client: KubeClient, object: PlannedObject, options: TakeoverOptions): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const live = await client.getOrUndefined(object.path!, options.deploy.signal);
    const operations = live ? releaseOperations(live, object, options.previousManagers) : [];
    if (operations.length === 0) return false;
    try {
      await client.json("PATCH", object.path!, {
        query: { fieldManager: options.deploy.fieldManager },
        body: JSON.stringify(operations),
        contentType: "application/json-patch+json",
        signal: options.deploy.signal,
      });
      return true;
    } catch (error) {
      if (!(error instanceof ApiRequestError && error.status === 422 && attempt < 5)) throw error;
    }
  }
}

async function deleteIfPresent(client: KubeClient, path: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await client.json("DELETE", path, { signal });
    return true;
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 404) return false;
    throw error;
  }
}

export async function executeTakeover(
  client: KubeClient,
  flights: PlannedFlight[],
  plan: TakeoverPlan,
  options: TakeoverOptions,
  report: (event: TakeoverEvent) => void,
): Promise<TakeoverResult> {
  const summaries = await deployFlights(client, flights, { ...options.deploy, forceConflicts: true }, report);
  const released: string[] = [];
  for (const object of plan.objects.filter((candidate) => candidate.action === "adopt" && candidate.path)) {
    if (await release(client, object, options)) {
      released.push(object.id);
      report({ type: "takeover", step: "released", what: object.id });
    }
  }
  const pruned: string[] = [];
  for (const candidate of plan.prune) {
    const live = await client.getOrUndefined(candidate.path, options.deploy.signal);
    if (live?.metadata?.annotations?.[helmReleaseName] !== candidate.release.split("/")[1]) continue;
    if (await deleteIfPresent(client, candidate.path, options.deploy.signal)) {
      pruned.push(candidate.id);
      report({ type: "takeover", step: "pruned", what: candidate.id });
    }
  }
  const retired: string[] = [];
  for (const helm of plan.releases) {
    for (const secret of helm.secrets) await deleteIfPresent(client, `/api/v1/namespaces/${helm.namespace}/secrets/${secret}`, options.deploy.signal);
    retired.push(`${helm.namespace}/${helm.name}`);
    report({ type: "takeover", step: "retired", what: `Helm release ${helm.namespace}/${helm.name} (${helm.secrets.length} record${helm.secrets.length === 1 ? "" : "s"})` });
  }
  return { summaries, released, pruned, retired };
}
