// Simulated controllers: what kube-controller-manager, MetalLB, kube-webhook-certgen and Envoy
// Gateway (envoy-gateway.ts) would do to the objects hangar applies, after configurable delays. Each gate that turns true is logged
// as a GateEvent so benchmarks can measure how fast the applier reacts.
import { performance } from "node:perf_hooks";
import type { Engine } from "./engine.ts";
import type { Entry } from "./store.ts";
import { clone, type Json } from "./apply.ts";
import { recordRevision } from "./revisions.ts";
import { allocate, recordFailure } from "./metallb-allocator.ts";
import { reconcileEndpoints } from "./endpoints.ts";
import { certgenFailure, reconcileGateways } from "./envoy-gateway.ts";

export type GateKind =
  | "namespace-active" | "crd-established" | "deployment-ready" | "daemonset-ready" | "job-complete"
  | "job-deleted" | "job-failed" | "cabundle-injected" | "webhook-serving" | "lb-ip-assigned" | "lb-allocation-failed"
  | "endpoints-ready" | "gatewayclass-accepted" | "gateway-programmed";

/** What a test can hold shut: each simulated controller's step ("rollout": Deployments and DaemonSets). */
export type HoldableGate = Exclude<GateKind, "deployment-ready" | "daemonset-ready" | "webhook-serving"> | "rollout";

export interface GateEvent {
  at: number;
  kind: GateKind;
  object: string;
}

export type Delays = Record<"namespaceActive" | "crdEstablished" | "rollout" | "jobComplete" | "caBundle" | "loadBalancer" | "gateway", number>;

export const defaultDelays: Delays = { namespaceActive: 5, crdEstablished: 40, rollout: 60, jobComplete: 40, caBundle: 30, loadBalancer: 30, gateway: 20 };

const fakeCa = Buffer.from("-----BEGIN CERTIFICATE-----\nfake CA for tests\n-----END CERTIFICATE-----\n").toString("base64");

export function describe(object: Json): string {
  return `${object.kind}/${object.metadata.namespace ?? "_"}/${object.metadata.name}`;
}

export class Controllers {
  private readonly timers = new Set<NodeJS.Timeout>();
  readonly events: GateEvent[] = [];
  /** Gates a test holds shut: their work waits in a queue until released. */
  private readonly held = new Map<HoldableGate, (() => void)[]>();
  private readonly waiters = new Set<{ kind: GateKind; object?: string; resolve: (event: GateEvent) => void }>();

  constructor(
    private readonly engine: Engine,
    private readonly delays: Delays,
  ) {}

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }

  /** Holds a gate: what would open it queues instead of running after its delay. */
  hold(kind: HoldableGate): void {
    if (!this.held.has(kind)) this.held.set(kind, []);
  }

  /** Opens a held gate: the queued work runs now, synchronously, in order. */
  release(kind: HoldableGate): void {
    const queued = this.held.get(kind) ?? [];
    this.held.delete(kind);
    for (const work of queued) work();
  }

  /** The next time this gate turns true (for `object`, "Kind/namespace/name", when given). */
  next(kind: GateKind, object?: string): Promise<GateEvent> {
    return new Promise((resolve) => this.waiters.add({ kind, object, resolve }));
  }

  private later(gate: HoldableGate, ms: number, work: () => void): void {
    const queue = this.held.get(gate);
    if (queue) {
      queue.push(work);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work();
    }, ms);
    this.timers.add(timer);
  }

  private gate(kind: GateKind, object: Json): void {
    const event = { at: performance.now(), kind, object: describe(object) };
    this.events.push(event);
    for (const waiter of this.waiters) {
      if (waiter.kind !== kind || (waiter.object && waiter.object !== event.object)) continue;
      this.waiters.delete(waiter);
      waiter.resolve(event);
    }
  }

  /** The live entry for an object, if it still exists. */
  private current(entry: Entry): Entry | undefined {
    const meta = entry.object.metadata;
    return this.engine.store.get(entry.kind, meta.namespace, meta.name);
  }

  changed(entry: Entry, type: "ADDED" | "MODIFIED" | "DELETED"): void {
    if (type === "DELETED") return;
    const { kind } = entry.kind;
    const generation = entry.object.metadata.generation;
    const observed = entry.object.status?.observedGeneration;
    if (kind === "Namespace" && entry.object.status?.phase !== "Active") this.namespace(entry);
    if (kind === "CustomResourceDefinition" && !established(entry.object)) this.crd(entry);
    if (kind === "Deployment" || kind === "DaemonSet") recordRevision(this.engine, entry);
    if ((kind === "Deployment" || kind === "DaemonSet") && observed !== generation) this.rollout(entry);
    if (kind === "Job" && type === "ADDED") this.job(entry);
    if (kind === "Service" && entry.object.spec?.type === "LoadBalancer" && !entry.object.status?.loadBalancer?.ingress) this.assignAll();
    if (kind === "IPAddressPool") this.assignAll();
    if (kind === "Deployment" || kind === "Service") this.later("endpoints-ready", 1, () => reconcileEndpoints(this.engine).forEach((service) => this.gate("endpoints-ready", { kind: "Service", metadata: { namespace: service.split("/")[0], name: service.split("/")[1] } })));
    if (["GatewayClass", "Gateway", "Service", "Deployment"].includes(kind)) this.gateways();
  }

  private gateways(): void {
    this.later("gateway-programmed", this.delays.gateway, () => {
      const { accepted, programmed } = reconcileGateways(this.engine);
      accepted.forEach((object) => this.gate("gatewayclass-accepted", object));
      programmed.forEach((object) => this.gate("gateway-programmed", object));
    });
  }

  private namespace(entry: Entry): void {
    this.later("namespace-active", this.delays.namespaceActive, () => {
      const live = this.current(entry);
      if (!live) return;
      this.engine.setStatus(live, { phase: "Active" });
      this.gate("namespace-active", live.object);
    });
  }

  private crd(entry: Entry): void {
    this.later("crd-established", this.delays.crdEstablished, () => {
      const live = this.current(entry);
      if (!live || established(live.object)) return;
      this.engine.kinds.addCrd(live.object);
      const conditions = ["NamesAccepted", "Established"].map((type) => ({ type, status: "True", reason: type === "Established" ? "InitialNamesAccepted" : "NoConflicts", lastTransitionTime: new Date().toISOString() }));
      this.engine.setStatus(live, { acceptedNames: live.object.spec.names, conditions, storedVersions: [live.object.spec.versions.find((v: Json) => v.storage)?.name] });
      this.gate("crd-established", live.object);
    });
  }

  private rollout(entry: Entry): void {
    this.later("rollout", this.delays.rollout, () => {
      const live = this.current(entry);
      if (!live) return;
      const generation = live.object.metadata.generation;
      if (live.kind.kind === "Deployment") {
        const replicas = live.object.spec.replicas ?? 1;
        this.engine.setStatus(live, {
          observedGeneration: generation,
          replicas, readyReplicas: replicas, availableReplicas: replicas, updatedReplicas: replicas,
          conditions: [{ type: "Available", status: "True", reason: "MinimumReplicasAvailable" }, { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable" }],
        });
        this.gate("deployment-ready", live.object);
        this.afterDeploymentReady(live);
      } else {
        const n = 1;
        this.engine.setStatus(live, { observedGeneration: generation, desiredNumberScheduled: n, currentNumberScheduled: n, updatedNumberScheduled: n, numberAvailable: n, numberReady: n, numberMisscheduled: 0 });
        this.gate("daemonset-ready", live.object);
      }
    });
  }

  /** MetalLB's controller rotates its certificate and injects the CA once it runs. */
  private afterDeploymentReady(entry: Entry): void {
    if (entry.object.metadata.name !== "metallb-controller" || !entry.object.spec.template?.spec?.containers?.[0]?.image?.includes("metallb")) return;
    this.later("cabundle-injected", this.delays.caBundle, () => {
      const vwc = this.find("admissionregistration.k8s.io", "validatingwebhookconfigurations", undefined, "metallb-webhook-configuration");
      if (vwc) {
        this.injectCa(vwc, "MetalLB");
        this.gate("cabundle-injected", vwc.object);
      }
      const peers = this.find("apiextensions.k8s.io", "customresourcedefinitions", undefined, "bgppeers.metallb.io");
      if (peers?.object.spec.conversion?.webhook) {
        const patch = clone({ apiVersion: peers.object.apiVersion, kind: peers.object.kind, metadata: { name: peers.object.metadata.name }, spec: { conversion: { strategy: "Webhook", webhook: { clientConfig: { caBundle: fakeCa } } } } });
        this.engine.apply(peers.kind, undefined, peers.object.metadata.name, patch, "MetalLB", true, false);
      }
      this.gate("webhook-serving", { kind: "Service", metadata: { namespace: entry.object.metadata.namespace, name: "metallb-webhook-service" } });
    });
  }

  private injectCa(vwc: Entry, manager: string): void {
    const patch = {
      apiVersion: vwc.object.apiVersion,
      kind: vwc.object.kind,
      metadata: { name: vwc.object.metadata.name },
      webhooks: vwc.object.webhooks.map((hook: Json) => ({ name: hook.name, clientConfig: { caBundle: fakeCa } })),
    };
    this.engine.apply(vwc.kind, undefined, vwc.object.metadata.name, patch, manager, true, false);
  }

  private job(entry: Entry): void {
    this.later("job-complete", this.delays.jobComplete, () => {
      const live = this.current(entry);
      if (!live) return;
      const namespace = live.object.metadata.namespace;
      const args: string[] = live.object.spec.template?.spec?.containers?.[0]?.args ?? [];
      if (live.object.spec.template?.spec?.containers?.[0]?.command?.includes("certgen")) {
        const failure = certgenFailure(this.engine, live, fakeCa);
        if (failure) {
          this.engine.setStatus(live, { failed: 1, conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded", message: `Job has reached the specified backoff limit (certgen: ${failure})` }] });
          this.gate("job-failed", live.object);
          return;
        }
        this.gate("cabundle-injected", { kind: "MutatingWebhookConfiguration", metadata: { name: `envoy-gateway-topology-injector.${namespace}` } });
      }
      if (args[0] === "create") {
        const secretName = args.find((arg) => arg.startsWith("--secret-name="))?.split("=")[1];
        const secrets = this.engine.kinds.byKind("v1", "Secret")!;
        if (secretName) this.engine.apply(secrets, namespace, secretName, { apiVersion: "v1", kind: "Secret", metadata: { name: secretName, namespace }, data: { ca: fakeCa, cert: fakeCa, key: fakeCa } }, "kube-webhook-certgen", true, false);
      }
      if (args[0] === "patch") {
        const webhook = args.find((arg) => arg.startsWith("--webhook-name="))?.split("=")[1];
        const vwc = webhook && this.find("admissionregistration.k8s.io", "validatingwebhookconfigurations", undefined, webhook);
        if (vwc) {
          this.injectCa(vwc, "kube-webhook-certgen");
          this.gate("cabundle-injected", vwc.object);
        }
      }
      this.engine.setStatus(live, { succeeded: 1, conditions: [{ type: "Complete", status: "True" }] });
      this.gate("job-complete", live.object);
      if (live.object.spec.ttlSecondsAfterFinished === 0) {
        this.later("job-deleted", 1, () => {
          const done = this.current(live);
          if (!done) return;
          this.engine.remove(done);
          this.gate("job-deleted", done.object);
        });
      }
    });
  }

  /** MetalLB's address allocation (metallb-allocator.ts): an address, or a Warning event saying why not. */
  private assignAll(): void {
    this.later("lb-ip-assigned", this.delays.loadBalancer, () => {
      for (const { service, ip, failure } of allocate(this.engine)) {
        if (ip) {
          this.engine.setStatus(service, { loadBalancer: { ingress: [{ ip, ipMode: "VIP" }] } });
          this.gate("lb-ip-assigned", service.object);
        } else if (failure) {
          recordFailure(this.engine, service, failure);
          this.gate("lb-allocation-failed", service.object);
        }
      }
    });
  }

  private find(group: string, plural: string, namespace: string | undefined, name: string): Entry | undefined {
    const kind = this.engine.kinds.all().find((k) => k.group === group && k.plural === plural);
    return kind && this.engine.store.get(kind, namespace, name);
  }
}

function established(crd: Json): boolean {
  return (crd.status?.conditions ?? []).some((c: Json) => c.type === "Established" && c.status === "True");
}
