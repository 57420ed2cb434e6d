// The controller: its configuration, its Service (xDS, rate limit, Wasm, metrics, webhook) and
// its Deployment, which mounts the TLS Secret the certgen Job writes.
import type { Resource } from "../../lib/flight/contract.ts";
import type { V1Container } from "@kubernetes/client-node";
import { controllerName, controllerSelector, gatewayImage, labels, namespaceEnv, ratelimitImage, restrictedContainer, restrictedPod } from "./meta.ts";

/** The EnvoyGateway configuration file, as the release writes it. */
function configFile(logLevel: string): string {
  return [
    "apiVersion: gateway.envoyproxy.io/v1alpha1",
    "kind: EnvoyGateway",
    "extensionApis: {}",
    "gateway:",
    `  controllerName: ${controllerName}`,
    "logging:",
    "  level:",
    `    default: ${logLevel}`,
    "provider:",
    "  kubernetes:",
    "    rateLimitDeployment:",
    "      container:",
    `        image: ${ratelimitImage}`,
    "      patch:",
    "        type: StrategicMerge",
    "        value:",
    "          spec:",
    "            template:",
    "              spec:",
    "                containers:",
    "                - imagePullPolicy: IfNotPresent",
    "                  name: envoy-ratelimit",
    "    shutdownManager:",
    `      image: ${gatewayImage}`,
    "  type: Kubernetes",
    "",
  ].join("\n");
}

export function configMap(namespace: string, logLevel: string): Resource {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { labels, name: "envoy-gateway-config", namespace }, data: { "envoy-gateway.yaml": configFile(logLevel) } };
}

const ports: [name: string, port: number][] = [["grpc", 18000], ["ratelimit", 18001], ["wasm", 18002], ["metrics", 19001], ["webhook", 9443]];

export function service(namespace: string): Resource {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { labels: { "control-plane": "envoy-gateway", ...labels }, name: "envoy-gateway", namespace },
    spec: { ports: ports.map(([name, port]) => ({ name, port, targetPort: port })), selector: controllerSelector, type: "ClusterIP" },
  };
}

const probe = (path: string, extra: Record<string, number>) => ({ ...extra, httpGet: { path, port: 8081 }, successThreshold: 1, timeoutSeconds: 1 });

export function deployment(namespace: string, replicas: number): Resource {
  const container: V1Container = {
    args: ["server", "--config-path=/config/envoy-gateway.yaml"],
    env: namespaceEnv,
    image: gatewayImage,
    imagePullPolicy: "IfNotPresent",
    livenessProbe: probe("/healthz", { periodSeconds: 20 }),
    name: "envoy-gateway",
    ports: ports.map(([name, containerPort]) => ({ containerPort, name })),
    readinessProbe: probe("/readyz", { periodSeconds: 10 }),
    // The release says 1024Mi; the API server stores it as 1Gi, and hangar renders what is stored.
    resources: { limits: { memory: "1Gi" }, requests: { cpu: "100m", memory: "256Mi" } },
    securityContext: restrictedContainer,
    startupProbe: probe("/healthz", { failureThreshold: 30, periodSeconds: 1 }),
    volumeMounts: [
      { mountPath: "/config", name: "envoy-gateway-config", readOnly: true },
      { mountPath: "/certs", name: "certs", readOnly: true },
      { mountPath: "/var/lib/eg/wasm", name: "wasm-cache" },
    ],
  };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { labels: { "control-plane": "envoy-gateway", ...labels }, name: "envoy-gateway", namespace },
    spec: {
      replicas,
      selector: { matchLabels: controllerSelector },
      template: {
        metadata: { annotations: { "prometheus.io/port": "19001", "prometheus.io/scrape": "true" }, labels: controllerSelector },
        spec: {
          automountServiceAccountToken: true,
          containers: [container],
          securityContext: restrictedPod,
          serviceAccountName: "envoy-gateway",
          terminationGracePeriodSeconds: 10,
          volumes: [
            { configMap: { defaultMode: 420, name: "envoy-gateway-config" }, name: "envoy-gateway-config" },
            // Written by the certgen Job, which completes in the stage before.
            { name: "certs", secret: { secretName: "envoy-gateway" } },
            // The root filesystem is read-only; Wasm modules need a writable cache.
            { emptyDir: {}, name: "wasm-cache" },
          ],
        },
      },
    },
  };
}
