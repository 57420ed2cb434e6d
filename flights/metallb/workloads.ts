// The controller Deployment, the speaker DaemonSet and what they mount or expose.
import type { Resource } from "../../lib/flight/contract.ts";
import type { V1Container, V1Probe, V1Toleration } from "@kubernetes/client-node";

export const version = "v0.16.1";

export interface WorkloadOptions {
  namespace: string;
  logLevel: string;
  ignoreExcludeLB: boolean;
  speakerNodeSelector: Record<string, string>;
  speakerTolerations: V1Toleration[];
  controllerNodeSelector: Record<string, string>;
}

/** Interfaces the speaker never announces on: container, bridge and CNI links. */
const excludedInterfaces = [
  "^docker.*", "^cbr.*", "^dummy.*", "^virbr.*", "^lxcbr.*", "^veth.*", "^lo$", "^cali.*",
  "^tunl.*", "^flannel.*", "^kube-ipvs.*", "^cni.*", "^nodelocaldns.*", "^lxc.*",
];

const metricsAnnotations = { "prometheus.io/port": "9120", "prometheus.io/scrape": "true" };
const fromField = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { fieldPath } } });

function probe(path: string, host?: string): V1Probe {
  return {
    failureThreshold: 3,
    httpGet: { ...(host && { host }), path, port: 17472 },
    initialDelaySeconds: 10,
    periodSeconds: 10,
    successThreshold: 1,
    timeoutSeconds: 1,
  };
}

function labelsOf(component: string) {
  return { app: "metallb", component };
}

export function supportObjects(namespace: string): Resource[] {
  return [
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "metallb-excludel2", namespace },
      data: { "excludel2.yaml": `announcedInterfacesToExclude: [${excludedInterfaces.map((regex) => `"${regex}"`).join(", ")}]\n` },
    },
    // Empty on purpose: the controller's certificate rotator fills it.
    { apiVersion: "v1", kind: "Secret", metadata: { name: "metallb-webhook-cert", namespace } },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "metallb-webhook-service", namespace },
      spec: { ports: [{ port: 443, targetPort: 9443 }], selector: { component: "controller" } },
    },
  ];
}

export function controller(options: WorkloadOptions): Resource {
  const container: V1Container = {
    args: ["--port=9120", `--log-level=${options.logLevel}`],
    env: [
      fromField("METALLB_POD_NAME", "metadata.name"),
      { name: "METALLB_ML_SECRET_NAME", value: "memberlist" },
      { name: "METALLB_DEPLOYMENT", value: "controller" },
    ],
    image: `quay.io/metallb/controller:${version}`,
    livenessProbe: probe("/healthz"),
    name: "controller",
    ports: [
      { containerPort: 9120, name: "metricshttps" },
      { containerPort: 9443, name: "webhook-server", protocol: "TCP" },
    ],
    readinessProbe: probe("/readyz"),
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["all"] }, readOnlyRootFilesystem: true },
    volumeMounts: [{ mountPath: "/tmp/k8s-webhook-server/serving-certs", name: "cert", readOnly: true }],
  };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { labels: labelsOf("controller"), name: "controller", namespace: options.namespace },
    spec: {
      revisionHistoryLimit: 3,
      selector: { matchLabels: labelsOf("controller") },
      template: {
        metadata: { annotations: metricsAnnotations, labels: labelsOf("controller") },
        spec: {
          containers: [container],
          nodeSelector: { "kubernetes.io/os": "linux", ...options.controllerNodeSelector },
          securityContext: { fsGroup: 65534, runAsNonRoot: true, runAsUser: 65534 },
          serviceAccountName: "controller",
          terminationGracePeriodSeconds: 0,
          volumes: [{ name: "cert", secret: { defaultMode: 420, secretName: "metallb-webhook-cert" } }],
        },
      },
    },
  };
}

export function speaker(options: WorkloadOptions): Resource {
  const container: V1Container = {
    args: ["--port=9120", `--log-level=${options.logLevel}`, ...(options.ignoreExcludeLB ? ["--ignore-exclude-lb"] : [])],
    env: [
      fromField("METALLB_NODE_NAME", "spec.nodeName"),
      fromField("METALLB_POD_NAME", "metadata.name"),
      fromField("METALLB_HOST", "status.hostIP"),
      fromField("METALLB_ML_BIND_ADDR", "status.podIP"),
      { name: "METALLB_ML_LABELS", value: "app=metallb,component=speaker" },
      { name: "METALLB_ML_SECRET_KEY_PATH", value: "/etc/ml_secret_key" },
    ],
    image: `quay.io/metallb/speaker:${version}`,
    livenessProbe: probe("/healthz", "127.0.0.1"),
    name: "speaker",
    ports: [
      { containerPort: 9120, name: "metricshttps" },
      { containerPort: 7946, name: "memberlist-tcp" },
      { containerPort: 7946, name: "memberlist-udp", protocol: "UDP" },
    ],
    readinessProbe: probe("/readyz", "127.0.0.1"),
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { add: ["NET_RAW"], drop: ["ALL"] },
      readOnlyRootFilesystem: true,
    },
    volumeMounts: [
      { mountPath: "/etc/ml_secret_key", name: "memberlist", readOnly: true },
      { mountPath: "/etc/metallb", name: "metallb-excludel2", readOnly: true },
      { mountPath: "/etc/metallb/memberlist", name: "memberlist-config", readOnly: true },
    ],
  };
  const controlPlaneTolerations: V1Toleration[] = ["node-role.kubernetes.io/master", "node-role.kubernetes.io/control-plane"].map(
    (key) => ({ effect: "NoSchedule", key, operator: "Exists" }),
  );
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { labels: labelsOf("speaker"), name: "speaker", namespace: options.namespace },
    spec: {
      selector: { matchLabels: labelsOf("speaker") },
      template: {
        metadata: { annotations: metricsAnnotations, labels: labelsOf("speaker") },
        spec: {
          containers: [container],
          hostNetwork: true,
          nodeSelector: { "kubernetes.io/os": "linux", ...options.speakerNodeSelector },
          serviceAccountName: "speaker",
          terminationGracePeriodSeconds: 2,
          tolerations: [...controlPlaneTolerations, ...options.speakerTolerations],
          volumes: [
            // The memberlist Secret is created by the controller at start.
            { name: "memberlist", secret: { defaultMode: 420, secretName: "memberlist" } },
            { configMap: { defaultMode: 256, name: "metallb-excludel2" }, name: "metallb-excludel2" },
            { configMap: { name: "metallb-memberlist-config", optional: true }, name: "memberlist-config" },
          ],
        },
      },
    },
  };
}
