// Version, images and labels shared by Envoy Gateway's objects. Labels are the release's
// (rendered from its Helm chart as release `eg`), less the two that only Helm uses.
export const version = "v1.9.0";
export const gatewayImage = `docker.io/envoyproxy/gateway:${version}`;
export const ratelimitImage = "docker.io/envoyproxy/ratelimit:17b1956c";
export const controllerName = "gateway.envoyproxy.io/gatewayclass-controller";
/** Object names carry the Helm release and chart name the release manifest was rendered with. */
export const prefix = "eg-gateway-helm";

export const selectorLabels = { "app.kubernetes.io/name": "gateway-helm", "app.kubernetes.io/instance": "eg" };

export const labels: Record<string, string> = { ...selectorLabels, "app.kubernetes.io/version": version };

export const controllerSelector = { "control-plane": "envoy-gateway", ...selectorLabels };

export const namespaceEnv = [
  { name: "ENVOY_GATEWAY_NAMESPACE", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } } },
  { name: "KUBERNETES_CLUSTER_DOMAIN", value: "cluster.local" },
];

export const restrictedContainer = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsGroup: 65532,
  runAsNonRoot: true,
  runAsUser: 65532,
  seccompProfile: { type: "RuntimeDefault" },
};

export const restrictedPod = { fsGroup: 65532, runAsGroup: 65532, runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: "RuntimeDefault" } };
