// The takeover plan: for every object hangar's flights render, whether it exists and who owns it
// now (a Helm release, a hand-applied manifest, hangar itself), which fields hangar's apply would
// change (a forced server-side dry run against the live object) and whether that restarts pods;
// the Helm releases to retire and the objects of theirs hangar does not render (to prune).
// Reads only: every write is a dry run.
import type { Resource } from "../flight/contract.ts";
import type { PlannedFlight } from "../flight/plan.ts";
import type { KubeClient, Json } from "../kube/client.ts";
import { Discovery, objectPath, type ResourceInfo } from "../kube/discovery.ts";
import { crdScopes, identify, namespaceAnnotation, releaseAnnotation, withReleaseMetadata } from "../kube/prepare.ts";
import { containedIn } from "../kube/subset.ts";
import { changedFields, restartsPods } from "./fields.ts";
import { helmChartLabel, helmReleaseName, helmReleaseNamespace, listHelmReleases, type HelmRelease } from "./helm.ts";

export type Owner =
  | { type: "helm"; release: string; namespace: string }
  | { type: "yoke"; release: string; namespace: string }
  | { type: "manual"; managers: string[] };

export interface PlannedObject {
  flight: string;
  id: string;
  /** adopt: exists, hangar takes it over; create: absent; keep: already hangar's, unchanged. */
  action: "adopt" | "create" | "keep";
  owner?: Owner;
  /** Fields hangar's apply would change (ownership metadata aside). */
  changes: string[];
  restarts: boolean;
  /** Where the object lives, once its kind is served. */
  path?: string;
  /** hangar renders a `helm.sh/chart` label on the object itself (then it stays). */
  keepsChartLabel: boolean;
}

export interface PruneCandidate {
  id: string;
  path: string;
  release: string;
}

export interface TakeoverPlan {
  objects: PlannedObject[];
  /** Helm releases whose objects hangar renders: their records go once the takeover converged. */
  releases: HelmRelease[];
  /** Live objects of those releases that hangar does not render. */
  prune: PruneCandidate[];
}

export interface PlanOptions {
  fieldManager: string;
  /** Field managers whose entries the takeover removes (Helm's, Terraform's). */
  previousManagers: readonly string[];
  signal?: AbortSignal;
}

/** group/kind/namespace/name, the identity shared by rendered, live and Helm manifest objects. */
const keyOf = (apiVersion: string, kind: string, namespace: string | undefined, name: string) =>
  `${apiVersion.includes("/") ? apiVersion.split("/")[0] : ""}/${kind}/${namespace ?? ""}/${name}`;

export function ownerOf(live: Json): Owner {
  const annotations = live.metadata?.annotations ?? {};
  if (annotations[helmReleaseName]) return { type: "helm", release: annotations[helmReleaseName], namespace: annotations[helmReleaseNamespace] ?? "" };
  if (annotations[releaseAnnotation]) return { type: "yoke", release: annotations[releaseAnnotation], namespace: annotations[namespaceAnnotation] ?? "" };
  return { type: "manual", managers: [...new Set<string>((live.metadata?.managedFields ?? []).map((entry: Json) => entry.manager))] };
}

/**
 * Helm's (or a hand-applied manifest's) marks are still on the object: its release annotations,
 * or fields a previous manager still holds (a namespace `helm install --create-namespace` made
 * carries no annotation, only Helm's field manager). Not fully hangar's yet.
 */
export function carriesPreviousMarks(live: Json, previousManagers: readonly string[]): boolean {
  const annotations = live.metadata?.annotations ?? {};
  const managers: Json[] = live.metadata?.managedFields ?? [];
  return Boolean(annotations[helmReleaseName] || annotations[helmReleaseNamespace]) || managers.some((entry) => previousManagers.includes(entry.manager));
}

export async function planTakeover(client: KubeClient, flights: readonly PlannedFlight[], options: PlanOptions): Promise<TakeoverPlan> {
  const discovery = new Discovery(client);
  const rendered = new Set<string>();
  const objects: PlannedObject[] = [];
  for (const flight of flights) {
    const scopes = crdScopes(flight.stages);
    const release = { name: flight.release, namespace: flight.namespace };
    for (const resource of flight.stages.flat()) {
      const info = await discovery.find(resource.apiVersion, resource.kind, options.signal);
      const namespaced = info?.namespaced ?? scopes.get(`${resource.apiVersion}/${resource.kind}`) ?? false;
      const prepared = withReleaseMetadata(resource, release, namespaced);
      rendered.add(keyOf(prepared.apiVersion, prepared.kind, prepared.metadata.namespace, prepared.metadata.name));
      objects.push(await planObject(client, flight.name, prepared, info, options));
    }
  }
  const helmOwners = new Set(objects.flatMap((object) => (object.owner?.type === "helm" ? [`${object.owner.namespace}/${object.owner.release}`] : [])));
  const releases = (await listHelmReleases(client, options.signal)).filter(
    (release) =>
      helmOwners.has(`${release.namespace}/${release.name}`) ||
      release.objects.some((object) => rendered.has(keyOf(object.apiVersion, object.kind, object.metadata.namespace ?? release.namespace, object.metadata.name)) || rendered.has(keyOf(object.apiVersion, object.kind, undefined, object.metadata.name))),
  );
  const prune: PruneCandidate[] = [];
  for (const release of releases) {
    for (const object of release.objects) {
      const info = await discovery.find(object.apiVersion, object.kind, options.signal);
      if (!info) continue;
      const namespace = info.namespaced ? object.metadata.namespace ?? release.namespace : undefined;
      if (rendered.has(keyOf(object.apiVersion, object.kind, namespace, object.metadata.name))) continue;
      const path = objectPath(info, namespace, object.metadata.name);
      const live = await client.getOrUndefined(path, options.signal);
      if (live?.metadata?.annotations?.[helmReleaseName] === release.name) prune.push({ id: identify({ ...object, metadata: { ...object.metadata, namespace } }), path, release: `${release.namespace}/${release.name}` });
    }
  }
  return { objects, releases, prune };
}

async function planObject(client: KubeClient, flight: string, resource: Resource, info: ResourceInfo | undefined, options: PlanOptions): Promise<PlannedObject> {
  const id = identify(resource);
  const keepsChartLabel = Boolean(resource.metadata.labels?.[helmChartLabel]);
  if (!info) return { flight, id, action: "create", changes: [], restarts: false, keepsChartLabel };
  const path = objectPath(info, resource.metadata.namespace, resource.metadata.name);
  const live = await client.getOrUndefined(path, options.signal);
  if (!live) return { flight, id, action: "create", changes: [], restarts: false, path, keepsChartLabel };
  const owner = ownerOf(live);
  if (containedIn(resource, live) && !carriesPreviousMarks(live, options.previousManagers) && owner.type === "yoke") {
    return { flight, id, action: "keep", owner, changes: [], restarts: false, path, keepsChartLabel };
  }
  const after = await client.json("PATCH", path, {
    query: { fieldManager: options.fieldManager, force: "true", dryRun: "All" },
    body: JSON.stringify(resource),
    contentType: "application/apply-patch+yaml",
    signal: options.signal,
  });
  return { flight, id, action: "adopt", owner, changes: changedFields(live, after), restarts: restartsPods(live, after), path, keepsChartLabel };
}
