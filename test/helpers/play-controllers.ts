// The controllers a real cluster runs, played by the test against a real API server that has
// none: it watches what the applier creates and writes the status a controller would (rollouts
// done, Jobs complete, the LoadBalancer address MetalLB would assign, webhook CAs injected, the
// EndpointSlices of Services whose pods are ready, Envoy Gateway's GatewayClass and Gateway
// status). Every write goes through the status subresource or a patch, as the real controllers
// do. Endpoint addresses are TEST-NET-1 data: the test server sends its cluster connections to a
// dead socket (real-apiserver.ts), or to the webhooks the test plays (played-webhooks.ts), whose
// CA the player then injects.
import { setMaxListeners } from "node:events";
import { KubeClient, type Json } from "../../lib/kube/client.ts";
import { requestedAddress } from "../../lib/kube/readiness.ts";

export interface PlayedWrite {
  kind: string;
  name: string;
}

/** Where each played kind lives: list items from a real server name neither their kind nor their group. */
const collections = {
  deployments: { base: "/apis/apps/v1", kind: "Deployment" },
  daemonsets: { base: "/apis/apps/v1", kind: "DaemonSet" },
  jobs: { base: "/apis/batch/v1", kind: "Job" },
  services: { base: "/api/v1", kind: "Service" },
  validatingwebhookconfigurations: { base: "/apis/admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration" },
  mutatingwebhookconfigurations: { base: "/apis/admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration" },
  gatewayclasses: { base: "/apis/gateway.networking.k8s.io/v1", kind: "GatewayClass" },
  gateways: { base: "/apis/gateway.networking.k8s.io/v1", kind: "Gateway" },
} as const;

/** Kinds that exist only once a flight installs their CRD: the player waits for it. */
const crds: Partial<Record<Collection, string>> = { gatewayclasses: "gatewayclasses.gateway.networking.k8s.io", gateways: "gateways.gateway.networking.k8s.io" };

type Collection = keyof typeof collections;

const path = (collection: Collection, namespace: string | undefined) =>
  `${collections[collection].base}${namespace ? `/namespaces/${namespace}` : ""}/${collection}`;

const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");
/** A CA for webhooks nobody calls; tests whose webhooks answer pass the played webhooks' CA. */
const unusedCa = Buffer.from("-----BEGIN CERTIFICATE-----\nplayed CA\n-----END CERTIFICATE-----\n").toString("base64");

export interface PlayerOptions {
  /** Write the LoadBalancer address a Service asks for, as MetalLB would (default true). */
  assignAddresses?: boolean;
  /** The CA injected into webhook configurations: played-webhooks.ts's, for webhooks that answer. */
  caBundle?: string;
}

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
    const watched: [Collection, (object: Json) => Promise<boolean>][] = [
      ["deployments", (o) => this.rollout(o, "deployments")],
      ["daemonsets", (o) => this.rollout(o, "daemonsets")],
      ["jobs", (o) => this.complete(o)],
      ["services", async (o) => (await this.assign(o)) || (await this.endpoints(o.metadata.namespace))],
      ["validatingwebhookconfigurations", (o) => this.inject(o, "validatingwebhookconfigurations")],
      ["mutatingwebhookconfigurations", (o) => this.inject(o, "mutatingwebhookconfigurations")],
      ["gatewayclasses", (o) => this.accept(o)],
      ["gateways", (o) => this.program(o)],
    ];
    for (const [collection, play] of watched) this.running.push(this.loop(collection, play));
    return this;
  }

  // One step by hand, for tests that hold a gate shut and then open it: the object is read first.

  rollOut(collection: "deployments" | "daemonsets", namespace: string, name: string, options = { endpoints: true }): Promise<void> {
    return this.once(collection, namespace, name, (object) => this.rollout(object, collection, options));
  }

  completeJob(namespace: string, name: string): Promise<void> {
    return this.once("jobs", namespace, name, (job) => this.complete(job));
  }

  assignAddress(namespace: string, name: string): Promise<void> {
    return this.once("services", namespace, name, (service) => this.assign(service));
  }

  injectCa(name: string): Promise<void> {
    return this.once("validatingwebhookconfigurations", undefined, name, (configuration) => this.inject(configuration, "validatingwebhookconfigurations"));
  }

  /** Publishes the EndpointSlices of the namespace's Services whose pods are ready. */
  publishEndpoints(namespace: string): Promise<boolean> {
    return this.endpoints(namespace);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.running);
  }

  private async once(collection: Collection, namespace: string | undefined, name: string, play: (object: Json) => Promise<boolean>): Promise<void> {
    const object = await this.client.json("GET", `${path(collection, namespace)}/${name}`, { signal: this.abort.signal });
    await this.safely(collection, play, object);
  }

  private async loop(collection: Collection, play: (object: Json) => Promise<boolean>): Promise<void> {
    const signal = this.abort.signal;
    const crd = crds[collection];
    if (crd && !(await this.established(crd))) return;
    while (!signal.aborted) {
      try {
        const list = await this.client.json("GET", path(collection, undefined), { signal });
        for (const item of list.items) await this.safely(collection, play, item);
        await this.client.watch(path(collection, undefined), { resourceVersion: list.metadata.resourceVersion }, (event) => {
          if (event.type === "ADDED" || event.type === "MODIFIED") void this.safely(collection, play, event.object);
        }, signal);
      } catch (error) {
        if (signal.aborted) return;
        throw error;
      }
    }
  }

  private async safely(collection: Collection, play: (object: Json) => Promise<boolean>, object: Json): Promise<void> {
    try {
      if (await play(object)) this.writes.push({ kind: collections[collection].kind, name: `${object.metadata.namespace ?? "_"}/${object.metadata.name}` });
    } catch (error) {
      // A conflict means a newer version is on its way through the watch; the player acts on that.
      if ((error as { status?: number }).status !== 409 && !this.abort.signal.aborted) throw error;
    }
  }

  private patchStatus(object: Json, collection: Collection, status: Json): Promise<Json> {
    return this.client.json("PATCH", `${path(collection, object.metadata.namespace)}/${object.metadata.name}/status`, {
      body: JSON.stringify({ metadata: { resourceVersion: object.metadata.resourceVersion }, status }),
      contentType: "application/merge-patch+json",
      signal: this.abort.signal,
    });
  }

  private async rollout(object: Json, resource: "deployments" | "daemonsets", options = { endpoints: true }): Promise<boolean> {
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
    if (options.endpoints) await this.endpoints(object.metadata.namespace);
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

  /** Waits (watching) until the CRD is Established; false when the player stops first. */
  private async established(name: string): Promise<boolean> {
    const signal = this.abort.signal;
    const crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
    const isEstablished = (crd: Json) => (crd?.status?.conditions ?? []).some((c: Json) => c.type === "Established" && c.status === "True");
    while (!signal.aborted) {
      try {
        const list = await this.client.json("GET", crds, { query: { fieldSelector: `metadata.name=${name}` }, signal });
        if (list.items.some(isEstablished)) return true;
        const stream = new AbortController();
        const stop = () => stream.abort();
        signal.addEventListener("abort", stop, { once: true });
        let found = false;
        await this.client.watch(crds, { fieldSelector: `metadata.name=${name}`, resourceVersion: list.metadata.resourceVersion }, (event) => {
          if (isEstablished(event.object)) {
            found = true;
            stream.abort();
          }
        }, stream.signal).finally(() => signal.removeEventListener("abort", stop));
        if (found) return true;
      } catch (error) {
        if (signal.aborted) return false;
        throw error;
      }
    }
    return false;
  }

  /** Envoy Gateway accepting the GatewayClass that names it. */
  private async accept(gatewayClass: Json): Promise<boolean> {
    const generation = gatewayClass.metadata.generation;
    if ((gatewayClass.status?.conditions ?? []).some((c: Json) => c.type === "Accepted" && c.status === "True" && c.observedGeneration === generation)) return false;
    await this.patchStatus(gatewayClass, "gatewayclasses", {
      conditions: [{ type: "Accepted", status: "True", reason: "Accepted", message: "Valid GatewayClass", observedGeneration: generation, lastTransitionTime: now() }],
    });
    return true;
  }

  /** Envoy Gateway programming a Gateway on the address MetalLB assigned to its Service. */
  private async program(gateway: Json): Promise<boolean> {
    const generation = gateway.metadata.generation;
    if ((gateway.status?.conditions ?? []).some((c: Json) => c.type === "Programmed" && c.status === "True" && c.observedGeneration === generation)) return false;
    const wanted = String(gateway.spec?.infrastructure?.annotations?.["metallb.io/loadBalancerIPs"] ?? "").split(",")[0]?.trim();
    const condition = (type: string, reason: string) => ({ type, status: "True", reason, message: reason, observedGeneration: generation, lastTransitionTime: now() });
    await this.patchStatus(gateway, "gateways", {
      addresses: wanted ? [{ type: "IPAddress", value: wanted }] : [],
      conditions: [condition("Accepted", "Accepted"), condition("Programmed", "Programmed")],
    });
    return true;
  }

  /** What MetalLB's controller and the certgen Jobs do: put the CA into the webhooks. */
  private async inject(configuration: Json, collection: "validatingwebhookconfigurations" | "mutatingwebhookconfigurations"): Promise<boolean> {
    const hooks: Json[] = configuration.webhooks ?? [];
    if (hooks.every((hook) => hook.clientConfig?.caBundle)) return false;
    const webhooks = hooks.map((hook) => ({ ...hook, clientConfig: { ...hook.clientConfig, caBundle: this.options.caBundle ?? unusedCa } }));
    await this.client.json("PATCH", `${path(collection, undefined)}/${configuration.metadata.name}`, {
      body: JSON.stringify({ metadata: { resourceVersion: configuration.metadata.resourceVersion }, webhooks }),
      contentType: "application/merge-patch+json",
      signal: this.abort.signal,
    });
    return true;
  }
}
