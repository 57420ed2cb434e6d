// A flight's gates: waiting until what a stage applied is ready, and until the webhooks it installs
// can answer; a gate that times out says why, as far as the cluster tells.
import type { Resource } from "../flight/contract.ts";
import type { KubeClient, Json } from "./client.ts";
import type { Discovery, ResourceInfo } from "./discovery.ts";
import { DeployError, type Report } from "./deploy-contract.ts";
import { endpointsReady, readiness, webhookCaReady } from "./readiness.ts";
import { waitUntilReady, waitUntilSetReady, WaitTimeout } from "./wait.ts";
import { allocationFailure, gatewayAddressFailure } from "./allocation.ts";
import { explainGate } from "./explain.ts";

export interface Prepared {
  resource: Resource;
  info: ResourceInfo | undefined;
  id: string;
}

/** A LoadBalancer Service or a Gateway: ready once it holds its address. */
export function holdsAddress(entry: Prepared): boolean {
  const { kind, spec } = entry.resource as Resource & { spec?: Json };
  return kind === "Gateway" || (kind === "Service" && spec?.type === "LoadBalancer");
}

export class Gates {
  constructor(
    private readonly client: KubeClient,
    private readonly discovery: Discovery,
    private readonly flight: string,
    private readonly report: Report,
    /** Ends the waits: Ctrl-C, or the deadline. */
    private readonly stop: AbortSignal,
    /** Ends even the explanation of a timeout: the hard stop. */
    private readonly hardStop: AbortSignal | undefined,
    /** The API's answer to what an entry is, once its kind is served. */
    private readonly resolve: (entry: Prepared) => Promise<ResourceInfo>,
  ) {}

  /** Waits until every object of the stage is ready. */
  async forStage(stage: Prepared[]): Promise<void> {
    await Promise.all(
      stage.map(async (entry) => {
        const info = await this.resolve(entry);
        await waitUntilReady(
          this.client,
          {
            info,
            namespace: entry.resource.metadata.namespace,
            name: entry.resource.metadata.name,
            what: entry.id,
            check: (object) => readiness(info.kind, object),
            goneMeansDone: entry.resource.kind === "Job",
            onWait: () => this.report({ type: "waiting", flight: this.flight, what: entry.id }),
          },
          this.stop,
        ).catch((error) => this.explainTimeout(error, this.gateOf(entry)));
        if (entry.resource.kind === "CustomResourceDefinition") {
          const spec = entry.resource.spec as { group: string; versions: { name: string }[] };
          for (const version of spec.versions) this.discovery.forget(`${spec.group}/${version.name}`);
        }
      }),
    );
  }

  /** What can be said about why an object is not ready, beyond its own status. */
  private gateOf(entry: Prepared): (signal: AbortSignal) => Promise<string | undefined> {
    const { kind, metadata, spec } = entry.resource as Resource & { spec?: Json };
    const namespace = metadata.namespace!;
    if (kind === "Gateway") return (signal) => gatewayAddressFailure(this.client, namespace, metadata.name, signal);
    if (kind === "Service" && spec?.type === "LoadBalancer") return (signal) => allocationFailure(this.client, namespace, metadata.name, signal);
    if (kind === "Deployment" || kind === "DaemonSet" || kind === "Job") return (signal) => explainGate(this.client, { kind, namespace, name: metadata.name }, signal);
    return async () => undefined;
  }

  /**
   * A gate that timed out says why, as far as the cluster tells: MetalLB's reason for a missing
   * address, the workloads behind it with their pods and newest warnings. Asked with a short
   * deadline of its own (the run's has passed); when the cluster cannot say, the timeout stands.
   */
  private async explainTimeout(error: unknown, why: (signal: AbortSignal) => Promise<string | undefined>): Promise<never> {
    if (!(error instanceof WaitTimeout)) throw error;
    const signal = AbortSignal.any([AbortSignal.timeout(10_000), ...(this.hardStop ? [this.hardStop] : [])]);
    const found = await why(signal).catch(() => undefined);
    throw found ? new DeployError(`${error.message}; ${found}`) : error;
  }

  /**
   * A flight that installs webhooks is done only when they can answer: every caBundle set (TLS
   * can be verified) and every webhook's Service backed by a ready endpoint.
   */
  async forWebhooks(resources: Prepared[]): Promise<void> {
    const configurations = resources.filter((entry) => entry.resource.kind === "ValidatingWebhookConfiguration" || entry.resource.kind === "MutatingWebhookConfiguration");
    const services = new Map<string, { namespace: string; name: string }>();
    for (const entry of configurations) {
      for (const hook of (entry.resource.webhooks as Json[] | undefined) ?? []) {
        const service = hook.clientConfig?.service;
        if (service) services.set(`${service.namespace}/${service.name}`, service);
      }
    }
    // The CA is injected by what runs behind the webhooks' Services (MetalLB's controller, a certgen Job's pods).
    const behind = (signal: AbortSignal) =>
      Promise.all([...services.values()].map((service) => explainGate(this.client, { kind: "Service", ...service }, signal))).then((found) => found.filter(Boolean).join("; ") || undefined);
    const slices = services.size > 0 ? await this.discovery.find("discovery.k8s.io/v1", "EndpointSlice", this.stop) : undefined;
    await Promise.all([
      ...configurations.map(async (entry) => {
        await waitUntilReady(
          this.client,
          {
            info: await this.resolve(entry),
            namespace: undefined,
            name: entry.resource.metadata.name,
            what: entry.id,
            check: webhookCaReady,
            onWait: () => this.report({ type: "waiting", flight: this.flight, what: `${entry.id} caBundle` }),
          },
          this.stop,
        ).catch((error) => this.explainTimeout(error, behind));
      }),
      ...[...services].map(async ([id, service]) => {
        if (!slices) throw new DeployError(`${this.flight}: the API serves no discovery.k8s.io/v1 EndpointSlice, so webhook Service ${id} cannot be checked`);
        await waitUntilSetReady(
          this.client,
          {
            info: slices,
            namespace: service.namespace,
            labelSelector: `kubernetes.io/service-name=${service.name}`,
            what: `webhook Service ${id} endpoints`,
            check: endpointsReady,
            onWait: () => this.report({ type: "waiting", flight: this.flight, what: `Service/${service.namespace}/${service.name} ready endpoint` }),
          },
          this.stop,
        ).catch((error) => this.explainTimeout(error, (signal) => explainGate(this.client, { kind: "Service", ...service }, signal)));
      }),
    ]);
  }
}
