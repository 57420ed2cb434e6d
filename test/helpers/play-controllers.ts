// The controllers a real cluster runs, played by the test against a real API server that has
// none: it watches what the applier creates and writes the status a controller would (rollouts
// done, Jobs complete, the LoadBalancer address MetalLB would assign, webhook CAs injected, the
// EndpointSlices of Services whose pods are ready). Every write goes through the status
// subresource or a patch, as the real controllers do. Endpoint addresses are TEST-NET-1 data:
// the test server sends its cluster connections to a dead socket (real-apiserver.ts), or to the
// webhooks the test plays (played-webhooks.ts), whose CA the player then injects.
import { setMaxListeners } from "node:events";
import { KubeClient, type Json } from "../../lib/kube/client.ts";
import { requestedAddress } from "../../lib/kube/readiness.ts";

export interface PlayedWrite {
  kind: string;
  name: string;
}

export interface PlayerOptions {
  /** Write the LoadBalancer address a Service asks for, as MetalLB would (default true). */
  assignAddresses?: boolean;
  /** The CA injected into webhook configurations: played-webhooks.ts's, for webhooks that answer. */
  caBundle?: string;
}

interface Watched {
  path: string;
  play(object: Json): Promise<boolean>;
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");
const testCa = Buffer.from("-----BEGIN CERTIFICATE-----\nplayed CA\n-----END CERTIFICATE-----\n").toString("base64");

export class ControllerPlayer {
  /** What the player wrote, in order: tests assert the applier waited for these. */
  readonly writes: PlayedWrite[] = [];
  private readonly abort = new AbortController();
  private readonly running: Promise<void>[] = [];
  /** Endpoint addresses handed out so far (192.0.2.N). */
  private addresses = 0;

  constructor(private readonly client: KubeClient, private readonly options: PlayerOptions = {}) {}

  start(): this {
    // Every watch and request of the player listens to the one signal.
    setMaxListeners(0, this.abort.signal);
    const watched: Watched[] = [
      { path: "/apis/apps/v1/deployments", play: (o) => this.rollout(o, "deployments") },
      { path: "/apis/apps/v1/daemonsets", play: (o) => this.rollout(o, "daemonsets") },
      { path: "/apis/batch/v1/jobs", play: (o) => this.complete(o) },
      { path: "/api/v1/services", play: async (o) => (await this.assign(o)) || (await this.endpoints(o.metadata.namespace)) },
      { path: "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations", play: (o) => this.inject(o, "validatingwebhookconfigurations") },
      { path: "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations", play: (o) => this.inject(o, "mutatingwebhookconfigurations") },
    ];
    for (const { path, play } of watched) this.running.push(this.loop(path, play));
    return this;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.running);
  }

  private async loop(path: string, play: (object: Json) => Promise<boolean>): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        const list = await this.client.json("GET", path, { signal });
        for (const item of list.items) await this.safely(play, item);
        await this.client.watch(path, { resourceVersion: list.metadata.resourceVersion }, (event) => {
          if (event.type === "ADDED" || event.type === "MODIFIED") void this.safely(play, event.object);
        }, signal);
      } catch (error) {
        if (signal.aborted) return;
        throw error;
      }
    }
  }

  private async safely(play: (object: Json) => Promise<boolean>, object: Json): Promise<void> {
    try {
      if (await play(object)) this.writes.push({ kind: object.kind, name: `${object.metadata.namespace ?? "_"}/${object.metadata.name}` });
    } catch (error) {
      // A conflict means a newer version is on its way through the watch; the player acts on that.
      if ((error as { status?: number }).status !== 409 && !this.abort.signal.aborted) throw error;
    }
  }

  private patchStatus(object: Json, resource: string, status: Json): Promise<Json> {
    const { namespace, name } = object.metadata;
    const group = object.apiVersion.includes("/") ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
    const scope = namespace ? `/namespaces/${namespace}` : "";
    return this.client.json("PATCH", `${group}${scope}/${resource}/${name}/status`, {
      body: JSON.stringify({ metadata: { resourceVersion: object.metadata.resourceVersion }, status }),
      contentType: "application/merge-patch+json",
      signal: this.abort.signal,
    });
  }

  private async rollout(object: Json, resource: "deployments" | "daemonsets"): Promise<boolean> {
    const generation = object.metadata.generation;
    if (object.status?.observedGeneration === generation) return false;
    if (resource === "daemonsets") {
      await this.patchStatus(object, resource, {
        observedGeneration: generation, desiredNumberScheduled: 1, currentNumberScheduled: 1,
        updatedNumberScheduled: 1, numberAvailable: 1, numberReady: 1, numberMisscheduled: 0,
      });
      return true;
    }
    const replicas = object.spec.replicas ?? 1;
    await this.patchStatus(object, resource, {
      observedGeneration: generation, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas,
      // Both conditions the deployment controller writes once a rollout is complete (Helm 4's
      // kstatus wait asks for Progressing with NewReplicaSetAvailable).
      conditions: [
        { type: "Available", status: "True", reason: "MinimumReplicasAvailable", lastUpdateTime: now(), lastTransitionTime: now() },
        { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable", message: `ReplicaSet "${object.metadata.name}-played" has successfully progressed.`, lastUpdateTime: now(), lastTransitionTime: now() },
      ],
    });
    await this.endpoints(object.metadata.namespace);
    return true;
  }

  /** The EndpointSlice controller: a ready endpoint for each Service whose selector picks a rolled-out Deployment's pods. */
  private async endpoints(namespace: string): Promise<boolean> {
    const signal = this.abort.signal;
    const [deployments, services, slices] = await Promise.all(
      [`/apis/apps/v1/namespaces/${namespace}/deployments`, `/api/v1/namespaces/${namespace}/services`, `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`].map((path) => this.client.json("GET", path, { signal })),
    );
    const podLabels: Record<string, string>[] = deployments.items.filter((d: Json) => (d.status?.availableReplicas ?? 0) > 0).map((d: Json) => d.spec.template.metadata?.labels ?? {});
    const served = new Set(slices.items.map((slice: Json) => slice.metadata.labels?.["kubernetes.io/service-name"]));
    let wrote = false;
    for (const service of services.items) {
      const selector: Record<string, string> | undefined = service.spec.selector;
      if (!selector || served.has(service.metadata.name)) continue;
      if (!podLabels.some((labels) => Object.entries(selector).every(([key, value]) => labels[key] === value))) continue;
      this.addresses += 1;
      await this.client.json("POST", `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`, {
        signal,
        body: JSON.stringify({
          apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice",
          metadata: { name: `${service.metadata.name}-played`, namespace, labels: { "kubernetes.io/service-name": service.metadata.name } },
          addressType: "IPv4",
          endpoints: [{ addresses: [`192.0.2.${this.addresses}`], conditions: { ready: true } }],
          ports: (service.spec.ports ?? []).map((port: Json) => ({ name: port.name ?? "", port: typeof port.targetPort === "number" ? port.targetPort : port.port, protocol: port.protocol ?? "TCP" })),
        }),
      });
      this.writes.push({ kind: "EndpointSlice", name: `${namespace}/${service.metadata.name}-played` });
      wrote = true;
    }
    return wrote;
  }

  private async complete(job: Json): Promise<boolean> {
    if ((job.status?.conditions ?? []).some((c: Json) => c.type === "Complete")) return false;
    const started = job.status?.startTime ?? now();
    // Since Kubernetes 1.31 a Job may be marked Complete only after SuccessCriteriaMet.
    await this.patchStatus(job, "jobs", {
      startTime: started, completionTime: now(), succeeded: 1, active: 0, ready: 0, terminating: 0,
      uncountedTerminatedPods: {},
      conditions: [
        { type: "SuccessCriteriaMet", status: "True", reason: "CompletionsReached", lastProbeTime: now(), lastTransitionTime: now() },
        { type: "Complete", status: "True", reason: "CompletionsReached", lastProbeTime: now(), lastTransitionTime: now() },
      ],
    });
    return true;
  }

  private async assign(service: Json): Promise<boolean> {
    if (this.options.assignAddresses === false || service.spec.type !== "LoadBalancer") return false;
    const wanted = requestedAddress(service);
    if (!wanted || (service.status?.loadBalancer?.ingress ?? []).some((entry: Json) => entry.ip === wanted)) return false;
    await this.patchStatus(service, "services", { loadBalancer: { ingress: [{ ip: wanted, ipMode: "VIP" }] } });
    return true;
  }

  /** What MetalLB's controller, ingress-nginx's patch job and Envoy Gateway's certgen do: put the CA into the webhooks. */
  private async inject(configuration: Json, resource: string): Promise<boolean> {
    const hooks: Json[] = configuration.webhooks ?? [];
    if (hooks.every((hook) => hook.clientConfig?.caBundle)) return false;
    const caBundle = this.options.caBundle ?? testCa;
    const webhooks = hooks.map((hook) => ({ ...hook, clientConfig: { ...hook.clientConfig, caBundle } }));
    await this.client.json("PATCH", `/apis/admissionregistration.k8s.io/v1/${resource}/${configuration.metadata.name}`, {
      body: JSON.stringify({ metadata: { resourceVersion: configuration.metadata.resourceVersion }, webhooks }),
      contentType: "application/merge-patch+json",
      signal: this.abort.signal,
    });
    return true;
  }
}
