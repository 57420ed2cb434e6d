// What stands behind a gate that did not open, in words: the Deployments, DaemonSets and Jobs
// whose pods it waits for, their ready counts, their pods' states, and the newest warnings the
// cluster recorded about them. Pure: it reads objects the caller listed.
type Json = any;

export interface Workload {
  kind: "Deployment" | "DaemonSet" | "Job";
  object: Json;
}

/** A label selector (matchLabels and matchExpressions), or a Service's plain map. */
export function selects(selector: Json, labels: Record<string, string> = {}): boolean {
  if (!selector) return false;
  const matchLabels: Record<string, string> = selector.matchLabels ?? (selector.matchExpressions ? {} : selector);
  const expressions: Json[] = selector.matchExpressions ?? [];
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0) return false;
  return (
    Object.entries(matchLabels).every(([key, value]) => labels[key] === value) &&
    expressions.every(({ key, operator, values = [] }) => {
      if (operator === "In") return key in labels && values.includes(labels[key]);
      if (operator === "NotIn") return !(key in labels) || !values.includes(labels[key]);
      if (operator === "Exists") return key in labels;
      if (operator === "DoesNotExist") return !(key in labels);
      return false;
    })
  );
}

/** The Deployments and DaemonSets whose pods a Service's selector picks. */
export function workloadsBehind(service: Json, deployments: Json[], daemonSets: Json[]): Workload[] {
  const selector = service.spec?.selector;
  const picks = (object: Json) => selects(selector, object.spec?.template?.metadata?.labels);
  return [...deployments.filter(picks).map((object) => ({ kind: "Deployment" as const, object })), ...daemonSets.filter(picks).map((object) => ({ kind: "DaemonSet" as const, object }))];
}

function readyCount({ kind, object }: Workload): string {
  const status = object.status ?? {};
  if (kind === "Deployment") return `${status.readyReplicas ?? 0}/${object.spec?.replicas ?? 1} ready`;
  if (kind === "DaemonSet") return `${status.numberReady ?? 0}/${status.desiredNumberScheduled ?? 0} ready`;
  return `${status.succeeded ?? 0} succeeded, ${status.failed ?? 0} failed`;
}

/** `name Pending (ImagePullBackOff)`, `name Running, not ready`. */
function podState(pod: Json): string {
  const statuses: Json[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const reasons = [...new Set(statuses.map((status) => status.state?.waiting?.reason ?? status.state?.terminated?.reason).filter(Boolean))];
  const ready = (pod.status?.conditions ?? []).some((condition: Json) => condition.type === "Ready" && condition.status === "True");
  const phase = pod.status?.phase ?? "Pending";
  return `${pod.metadata.name} ${phase}${reasons.length > 0 ? ` (${reasons.join(", ")})` : ""}${phase === "Running" && !ready ? ", not ready" : ""}`;
}

const eventTime = (event: Json): string => event.lastTimestamp ?? event.series?.lastObservedTime ?? event.eventTime ?? event.metadata?.creationTimestamp ?? "";

/** Events about the workload itself, its ReplicaSets (named after it) and its pods. */
function about(workload: Workload, pods: Json[]) {
  const name = workload.object.metadata.name;
  const podNames = new Set(pods.map((pod) => pod.metadata.name));
  return (event: Json): boolean => {
    const { kind, name: involved } = event.involvedObject ?? {};
    return (kind === workload.kind && involved === name) || (kind === "ReplicaSet" && workload.kind === "Deployment" && String(involved).startsWith(`${name}-`)) || (kind === "Pod" && podNames.has(involved));
  };
}

/** The newest warnings among `events` (most recent first), one line each. */
export function newestWarnings(events: Json[], limit = 3): string[] {
  return events
    .filter((event) => event.type === "Warning")
    .sort((a, b) => eventTime(b).localeCompare(eventTime(a)))
    .slice(0, limit)
    .map((event) => {
      const count = event.count ?? event.series?.count;
      const message = String(event.message ?? event.note ?? "").split("\n")[0]!.trim();
      return `${event.involvedObject?.kind} ${event.involvedObject?.name}: ${event.reason}: ${message}${count > 1 ? ` (${count} times)` : ""}`;
    });
}

/**
 * One clause per workload: `Deployment ns/name 0/1 ready, no pods` or with its pods' states,
 * then the newest warnings about all of them.
 */
export function describeWorkloads(workloads: Workload[], pods: Json[], events: Json[]): string {
  const clauses = workloads.map((workload) => {
    const own = pods.filter((pod) => selects(workload.object.spec?.selector, pod.metadata?.labels));
    const states = own.length === 0 ? "no pods" : `pod${own.length === 1 ? "" : "s"} ${own.map(podState).join(", ")}`;
    return { text: `${workload.kind} ${workload.object.metadata.namespace}/${workload.object.metadata.name} ${readyCount(workload)}, ${states}`, about: about(workload, own) };
  });
  const warnings = newestWarnings(events.filter((event) => clauses.some((clause) => clause.about(event))));
  return [clauses.map((clause) => clause.text).join("; "), ...(warnings.length > 0 ? [`newest warnings: ${warnings.join("; ")}`] : [])].join("; ");
}
