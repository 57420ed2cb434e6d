// When a gate times out, the cause rather than the symptom: the workloads behind it, their
// pods and the newest warnings about them (lib/kube/workloads.ts words it; this reads them).
import type { KubeClient, Json } from "./client.ts";
import { describeWorkloads, workloadsBehind, type Workload } from "./workloads.ts";

/** A gate whose workloads can be named: a workload itself, or a Service and what runs behind it. */
export type Gate = { kind: Workload["kind"]; namespace: string; name: string } | { kind: "Service"; namespace: string; name: string };

const collections = { Deployment: "/apis/apps/v1", DaemonSet: "/apis/apps/v1", Job: "/apis/batch/v1" } as const;
const plural = { Deployment: "deployments", DaemonSet: "daemonsets", Job: "jobs" } as const;

async function items(client: KubeClient, path: string, signal: AbortSignal, query?: Record<string, string>): Promise<Json[]> {
  return (await client.json("GET", path, { query, signal })).items ?? [];
}

/** `behind it: ...`, or undefined when the gate's object is gone. */
export async function explainGate(client: KubeClient, gate: Gate, signal: AbortSignal): Promise<string | undefined> {
  const { namespace, name } = gate;
  let workloads: Workload[];
  if (gate.kind === "Service") {
    const service = await client.getOrUndefined(`/api/v1/namespaces/${namespace}/services/${name}`, signal);
    if (!service) return undefined;
    const [deployments, daemonSets] = await Promise.all([
      items(client, `/apis/apps/v1/namespaces/${namespace}/deployments`, signal),
      items(client, `/apis/apps/v1/namespaces/${namespace}/daemonsets`, signal),
    ]);
    workloads = workloadsBehind(service, deployments, daemonSets);
    if (workloads.length === 0) return `behind it: no Deployment or DaemonSet in ${namespace} runs pods its selector picks`;
  } else {
    const object = await client.getOrUndefined(`${collections[gate.kind]}/namespaces/${namespace}/${plural[gate.kind]}/${name}`, signal);
    if (!object) return undefined;
    workloads = [{ kind: gate.kind, object }];
  }
  const [pods, events] = await Promise.all([
    items(client, `/api/v1/namespaces/${namespace}/pods`, signal),
    items(client, `/api/v1/namespaces/${namespace}/events`, signal, { fieldSelector: "type=Warning" }),
  ]);
  const described = describeWorkloads(workloads, pods, events);
  return gate.kind === "Service" ? `behind it: ${described}` : described;
}
