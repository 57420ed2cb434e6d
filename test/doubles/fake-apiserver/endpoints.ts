// kube-controller-manager's EndpointSlice controller, reduced to what the applier reads: a
// Service whose selector matches an available Deployment's pods gets an EndpointSlice labelled
// kubernetes.io/service-name with one ready endpoint (no kubelet here: a Deployment counts as
// serving once its status says it has available replicas).
import type { Engine } from "./engine.ts";
import type { Json } from "./apply.ts";

export function reconcileEndpoints(engine: Engine): string[] {
  const slices = engine.kinds.byKind("discovery.k8s.io/v1", "EndpointSlice")!;
  const all = engine.store.all();
  const serving = all.filter((entry) => entry.kind.kind === "Deployment" && entry.object.status?.availableReplicas >= 1);
  const created: string[] = [];
  for (const service of all.filter((entry) => entry.kind.kind === "Service" && entry.object.spec?.selector)) {
    const { namespace, name } = service.object.metadata;
    const selector: Record<string, string> = service.object.spec.selector;
    const backed = serving.some(
      (deployment) =>
        deployment.object.metadata.namespace === namespace &&
        Object.entries(selector).every(([key, value]) => deployment.object.spec?.template?.metadata?.labels?.[key] === value),
    );
    const sliceName = `${name}-fake`;
    if (!backed || engine.store.get(slices, namespace, sliceName)) continue;
    const slice: Json = {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: sliceName, namespace, labels: { "kubernetes.io/service-name": name, "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io" } },
      addressType: "IPv4",
      endpoints: [{ addresses: ["10.244.0.10"], conditions: { ready: true, serving: true, terminating: false } }],
      ports: (service.object.spec.ports ?? []).map((port: Json) => ({ name: port.name ?? "", port: typeof port.targetPort === "number" ? port.targetPort : port.port, protocol: port.protocol ?? "TCP" })),
    };
    engine.apply(slices, namespace, sliceName, slice, "endpointslice-controller", true, false);
    created.push(`${namespace}/${name}`);
  }
  return created;
}
