// What a takeover of a real Helm install must leave behind, checked on the real API server:
// no pod template changed, nothing of Helm's left (release records, annotations, chart labels,
// field managers), the CRDs' descriptions kept, and hangar owning every object it renders.
// A test records `observe()` before `hangar adopt` and compares after.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Resource } from "../../lib/flight/contract.ts";
import type { PlannedFlight } from "../../lib/flight/plan.ts";
import type { KubeClient, Json } from "../../lib/kube/client.ts";
import { Discovery, objectPath } from "../../lib/kube/discovery.ts";
import { withReleaseMetadata } from "../../lib/kube/prepare.ts";
import type { AuditEvent } from "./real-apiserver.ts";

export interface Observed {
  /**
   * The pod templates of Deployments and DaemonSets: the controllers make a new ReplicaSet or
   * ControllerRevision, and roll the pods, exactly when the template changes. (A Deployment's
   * generation also moves when only its annotations change, which rolls nothing.)
   */
  workloads: Record<string, Json>;
  /** `description` fields in the live CRDs the flights render. */
  crdDescriptions: number;
}

/** Every object the flights render, live (undefined where absent), with its id. */
export async function liveObjects(client: KubeClient, flights: readonly PlannedFlight[]): Promise<{ id: string; rendered: Resource; flight: string; live: Json | undefined }[]> {
  const discovery = new Discovery(client);
  const found = [];
  for (const flight of flights) {
    for (const resource of flight.stages.flat()) {
      const info = await discovery.find(resource.apiVersion, resource.kind);
      const prepared = withReleaseMetadata(resource, { name: flight.release, namespace: flight.namespace }, info?.namespaced ?? true);
      const live = info ? await client.getOrUndefined(objectPath(info, prepared.metadata.namespace, prepared.metadata.name)) : undefined;
      found.push({ id: `${resource.kind}/${prepared.metadata.namespace ?? "_"}/${resource.metadata.name}`, rendered: resource, flight: flight.release, live });
    }
  }
  return found;
}

const countDescriptions = (value: unknown): number =>
  Array.isArray(value)
    ? value.reduce((sum: number, item) => sum + countDescriptions(item), 0)
    : value !== null && typeof value === "object"
      ? Object.entries(value).reduce((sum, [key, child]) => sum + (key === "description" && typeof child === "string" ? 1 : 0) + countDescriptions(child), 0)
      : 0;

export async function observe(client: KubeClient, flights: readonly PlannedFlight[]): Promise<Observed> {
  const objects = await liveObjects(client, flights);
  const workloads: Observed["workloads"] = {};
  let crdDescriptions = 0;
  for (const { id, live } of objects) {
    if (!live) continue;
    if (live.kind === "Deployment" || live.kind === "DaemonSet") workloads[id] = live.spec.template;
    if (live.kind === "CustomResourceDefinition") crdDescriptions += countDescriptions(live.spec);
  }
  return { workloads, crdDescriptions };
}

/** Helm's marks still on the rendered objects, one line each; empty once hangar owns them all. */
export async function helmMarks(client: KubeClient, flights: readonly PlannedFlight[]): Promise<string[]> {
  const marks: string[] = [];
  for (const { id, rendered, flight, live } of await liveObjects(client, flights)) {
    if (!live) {
      // Jobs run once and may have gone; everything else must be there.
      if (rendered.kind !== "Job") marks.push(`${id}: missing`);
      continue;
    }
    const annotations = live.metadata.annotations ?? {};
    const labels = live.metadata.labels ?? {};
    for (const key of Object.keys(annotations).filter((key) => key.startsWith("meta.helm.sh/"))) marks.push(`${id}: annotation ${key}`);
    if (labels["helm.sh/chart"] && !rendered.metadata.labels?.["helm.sh/chart"]) marks.push(`${id}: label helm.sh/chart`);
    if (labels["app.kubernetes.io/managed-by"] !== "yoke") marks.push(`${id}: managed-by ${labels["app.kubernetes.io/managed-by"]}`);
    if (annotations["instance.atc.yoke.cd/release"] !== flight) marks.push(`${id}: release ${annotations["instance.atc.yoke.cd/release"]}`);
    const managers: Json[] = live.metadata.managedFields ?? [];
    if (!managers.some((entry) => entry.manager === "yoke")) marks.push(`${id}: hangar's field manager holds none of its fields`);
    for (const entry of managers) if (entry.manager === "helm" || entry.manager === "Terraform") marks.push(`${id}: field manager ${entry.manager} (${entry.operation})`);
  }
  const records = await client.json("GET", "/api/v1/secrets", { query: { labelSelector: "owner=helm" } });
  for (const secret of records.items) marks.push(`Secret/${secret.metadata.namespace}/${secret.metadata.name}: Helm release record`);
  return marks;
}

export interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `hangar <command> ...` as a user runs it, piped (no terminal), stdin closed. */
export function hangar(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ScriptRun> {
  const script = fileURLToPath(new URL("../../scripts/hangar.mjs", import.meta.url));
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [script, ...args], { env: { ...env, FORCE_COLOR: "0", NODE_OPTIONS: "" }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end();
  });
}

/**
 * Writes of hangar runs that change nothing, as `verb resource`: adopt and deploy still take the
 * deploy lock (a Lease created the first time, then patched) and give it back.
 */
export function lockWritesOnly(writes: readonly AuditEvent[]): { others: string[]; lock: string[] } {
  const named = (event: AuditEvent) => `${event.verb} ${event.requestURI}`;
  const isLock = (event: AuditEvent) => event.objectRef?.resource === "leases";
  return { others: writes.filter((event) => !isLock(event)).map(named), lock: writes.filter(isLock).map((event) => `${event.verb} ${event.objectRef?.namespace}/${event.objectRef?.name ?? ""}`) };
}
