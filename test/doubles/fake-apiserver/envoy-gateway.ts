// Envoy Gateway v1.9 as the API server sees it (envoyproxy/gateway):
// - certgen (internal/cmd/certgen.go) writes the control-plane Secrets, then patches the CA into
//   the MutatingWebhookConfiguration envoy-gateway-topology-injector.<namespace>, failing with
//   "failed to get mutating webhook configuration" when it does not exist;
// - the controller accepts GatewayClasses naming gateway.envoyproxy.io/gatewayclass-controller,
//   and for each Gateway of such a class creates an Envoy Deployment and a LoadBalancer Service
//   in its own namespace, labelled with the owning Gateway and carrying
//   spec.infrastructure.annotations; the Gateway's status.addresses are the Service's
//   load-balancer IPs, and Programmed follows internal/gatewayapi/status/gateway.go:
//   False/AddressNotAssigned without an address, False/NoResources while Envoy is not
//   available, else True/Programmed.
import { createHash } from "node:crypto";
import type { Engine } from "./engine.ts";
import type { Entry } from "./store.ts";
import type { Json } from "./apply.ts";

const controllerName = "gateway.envoyproxy.io/gatewayclass-controller";
const manager = "envoy-gateway";

export function certgenFailure(engine: Engine, job: Entry, fakeCa: string): string | undefined {
  const namespace = job.object.metadata.namespace;
  const webhookKind = engine.kinds.byKind("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration")!;
  const secrets = engine.kinds.byKind("v1", "Secret")!;
  for (const name of ["envoy-gateway", "envoy", "envoy-rate-limit"]) {
    engine.apply(secrets, namespace, name, { apiVersion: "v1", kind: "Secret", metadata: { name, namespace }, type: "kubernetes.io/tls", data: { "ca.crt": fakeCa, "tls.crt": fakeCa, "tls.key": fakeCa } }, "envoy-gateway-certgen", true, false);
  }
  engine.apply(secrets, namespace, "envoy-oidc-hmac", { apiVersion: "v1", kind: "Secret", metadata: { name: "envoy-oidc-hmac", namespace }, data: { "hmac-secret": fakeCa } }, "envoy-gateway-certgen", true, false);
  const name = `envoy-gateway-topology-injector.${namespace}`;
  const webhook = engine.store.get(webhookKind, undefined, name);
  if (!webhook) return `failed to patch webhook: failed to get mutating webhook configuration: mutatingwebhookconfigurations.admissionregistration.k8s.io "${name}" not found`;
  const patch = { apiVersion: webhook.object.apiVersion, kind: webhook.object.kind, metadata: { name }, webhooks: webhook.object.webhooks.map((hook: Json) => ({ name: hook.name, clientConfig: { caBundle: fakeCa } })) };
  engine.apply(webhookKind, undefined, name, patch, "envoy-gateway-certgen", true, false);
  return undefined;
}

/** The namespace the Envoy Gateway controller runs in, once it is available. */
function controllerNamespace(engine: Engine): string | undefined {
  const running = engine.store
    .all()
    .find((entry) => entry.kind.kind === "Deployment" && entry.object.spec?.template?.spec?.containers?.[0]?.image?.includes("envoyproxy/gateway:") && entry.object.status?.availableReplicas >= 1);
  return running?.object.metadata.namespace;
}

/** One pass of the controller; returns what changed, for the gate log. */
export function reconcileGateways(engine: Engine): { accepted: Json[]; programmed: Json[] } {
  const result = { accepted: [] as Json[], programmed: [] as Json[] };
  const namespace = controllerNamespace(engine);
  if (!namespace) return result;
  const all = engine.store.all();
  const classes = all.filter((entry) => entry.kind.kind === "GatewayClass" && entry.object.spec?.controllerName === controllerName);
  for (const gatewayClass of classes) {
    if (setConditions(engine, gatewayClass, [["Accepted", "True", "Accepted", "Valid GatewayClass"]])) result.accepted.push(gatewayClass.object);
  }
  const ours = new Set(classes.map((entry) => entry.object.metadata.name));
  for (const gateway of all.filter((entry) => entry.kind.kind === "Gateway" && ours.has(entry.object.spec?.gatewayClassName))) {
    const { service, envoy } = ensureInfrastructure(engine, gateway, namespace);
    const addresses: string[] = (service.object.status?.loadBalancer?.ingress ?? []).map((ingress: Json) => ingress.ip).filter(Boolean);
    const available: number = envoy.object.status?.availableReplicas ?? 0;
    const programmed: [string, string, string, string] =
      addresses.length === 0
        ? ["Programmed", "False", "AddressNotAssigned", "No addresses have been assigned to the Gateway"]
        : available > 0
          ? ["Programmed", "True", "Programmed", `Address assigned to the Gateway, ${available}/${envoy.object.status?.replicas ?? available} envoy Deployment replicas available`]
          : ["Programmed", "False", "NoResources", "Deployment replicas unavailable"];
    const changed = setConditions(engine, gateway, [["Accepted", "True", "Accepted", "The Gateway has been scheduled by Envoy Gateway"], programmed], {
      addresses: addresses.map((value) => ({ type: "IPAddress", value })),
    });
    if (changed && programmed[1] === "True") result.programmed.push(gateway.object);
  }
  return result;
}

function ensureInfrastructure(engine: Engine, gateway: Entry, namespace: string): { service: Entry; envoy: Entry } {
  const { namespace: gatewayNamespace, name } = gateway.object.metadata;
  const key = `${gatewayNamespace}/${name}`;
  // internal/infrastructure/kubernetes/proxy: "envoy-" + the owner, lower-cased and cut to 48, + 8 hex of its sha256.
  const infraName = `envoy-${`${gatewayNamespace}-${name}`.slice(0, 48).toLowerCase()}-${createHash("sha256").update(key).digest("hex").slice(0, 8)}`;
  const labels = {
    "app.kubernetes.io/component": "proxy",
    "app.kubernetes.io/managed-by": "envoy-gateway",
    "app.kubernetes.io/name": "envoy",
    "gateway.envoyproxy.io/owning-gateway-name": name,
    "gateway.envoyproxy.io/owning-gateway-namespace": gatewayNamespace,
  };
  const annotations: Record<string, string> = gateway.object.spec?.infrastructure?.annotations ?? {};
  const services = engine.kinds.byKind("v1", "Service")!;
  const deployments = engine.kinds.byKind("apps/v1", "Deployment")!;
  const ports = (gateway.object.spec?.listeners ?? []).map((listener: Json) => ({ name: `${listener.protocol.toLowerCase()}-${listener.port}`, port: listener.port, protocol: "TCP", targetPort: 10000 + listener.port }));
  const service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: infraName, namespace, labels, ...(Object.keys(annotations).length > 0 && { annotations }) },
    spec: { type: "LoadBalancer", externalTrafficPolicy: "Local", selector: labels, ports },
  };
  const envoy = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: infraName, namespace, labels },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: "envoy", image: "docker.io/envoyproxy/envoy:distroless-v1.36.2" }] } } },
  };
  if (!engine.store.get(services, namespace, infraName)) engine.apply(services, namespace, infraName, service, manager, true, false);
  if (!engine.store.get(deployments, namespace, infraName)) engine.apply(deployments, namespace, infraName, envoy, manager, true, false);
  return { service: engine.store.get(services, namespace, infraName)!, envoy: engine.store.get(deployments, namespace, infraName)! };
}

/** Writes conditions the way MergeConditions does: a condition keeps its transition time until its status changes. */
function setConditions(engine: Engine, entry: Entry, wanted: [type: string, status: string, reason: string, message: string][], extra: Json = {}): boolean {
  const live = engine.store.get(entry.kind, entry.object.metadata.namespace, entry.object.metadata.name);
  if (!live) return false;
  const previous: Json[] = live.object.status?.conditions ?? [];
  const conditions = wanted.map(([type, status, reason, message]) => {
    const before = previous.find((condition) => condition.type === type);
    const lastTransitionTime = before?.status === status ? before.lastTransitionTime : new Date().toISOString().replace(/\.\d+Z$/, "Z");
    return { lastTransitionTime, message, observedGeneration: live.object.metadata.generation, reason, status, type };
  });
  const status = { ...live.object.status, ...extra, conditions };
  const before = JSON.stringify(live.object.status ?? {});
  engine.setStatus(live, status);
  return before !== JSON.stringify(status);
}
