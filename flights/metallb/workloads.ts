// The controller Deployment, the speaker DaemonSet and what they mount or expose, as the chart
// renders them. Pod templates follow the chart to the list order: a Deployment or DaemonSet
// rolls its pods whenever spec.template changes, so a takeover must leave it byte-for-byte equal.
import type { Resource } from "../../lib/flight/contract.ts";
import type { V1Container, V1Probe, V1Toleration } from "@kubernetes/client-node";
import { labels, names, selectorLabels, version } from "./meta.ts";

export { version };

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

export function supportObjects(namespace: string): Resource[] {
  return [
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { labels: labels(), name: names.excludeL2, namespace },
      // The chart's text, line for line: a different spelling of the same YAML is still a write.
      data: { "excludel2.yaml": `announcedInterfacesToExclude:\n${excludedInterfaces.map((regex) => `- ${regex}\n`).join("")}` },
    },
    // Empty on purpose: the controller's certificate rotator fills it.
    { apiVersion: "v1", kind: "Secret", metadata: { labels: labels(), name: names.webhookCert, namespace } },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { labels: labels(), name: names.webhookService, namespace },
      spec: { ports: [{ port: 443, targetPort: 9443 }], selector: selectorLabels("controller") },
    },
  ];
}

export function controller(options: WorkloadOptions): Resource {
  const container: V1Container = {
    args: ["--port=9120", `--log-level=${options.logLevel}`, "--webhook-mode=enabled"],
    env: [
      fromField("METALLB_POD_NAME", "metadata.name"),
      { name: "METALLB_ML_SECRET_NAME", value: names.memberlist },
      { name: "METALLB_DEPLOYMENT", value: names.controller },
    ],
    image: `quay.io/metallb/controller:${version}`,
    livenessProbe: probe("/healthz"),
    name: "controller",
    ports: [
      { containerPort: 9120, name: "metricshttps" },
      { containerPort: 9443, name: "webhook-server", protocol: "TCP" },
    ],
    readinessProbe: probe("/readyz"),
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
    volumeMounts: [{ mountPath: "/tmp/k8s-webhook-server/serving-certs", name: "cert", readOnly: true }],
  };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { labels: labels("controller"), name: names.controller, namespace: options.namespace },
    spec: {
      selector: { matchLabels: selectorLabels("controller") },
      strategy: { type: "RollingUpdate" },
      template: {
        metadata: { labels: selectorLabels("controller") },
        spec: {
          containers: [container],
          nodeSelector: { "kubernetes.io/os": "linux", ...options.controllerNodeSelector },
          securityContext: { fsGroup: 65534, runAsNonRoot: true, runAsUser: 65534 },
          serviceAccountName: names.controller,
          terminationGracePeriodSeconds: 0,
          volumes: [{ name: "cert", secret: { defaultMode: 420, secretName: names.webhookCert } }],
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
      fromField("METALLB_HOST", "status.hostIP"),
      fromField("METALLB_ML_BIND_ADDR", "status.podIP"),
      { name: "METALLB_ML_LABELS", value: "app.kubernetes.io/name=metallb,app.kubernetes.io/component=speaker" },
      { name: "METALLB_ML_BIND_PORT", value: "7946" },
      { name: "METALLB_ML_SECRET_KEY_PATH", value: "/etc/ml_secret_key" },
      fromField("METALLB_POD_NAME", "metadata.name"),
    ],
    image: `quay.io/metallb/speaker:${version}`,
    livenessProbe: probe("/healthz", "127.0.0.1"),
    name: "speaker",
    ports: [
      { containerPort: 9120, name: "metricshttps" },
      { containerPort: 7946, name: "memberlist-tcp", protocol: "TCP" },
      { containerPort: 7946, name: "memberlist-udp", protocol: "UDP" },
    ],
    readinessProbe: probe("/readyz", "127.0.0.1"),
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { add: ["NET_RAW"], drop: ["ALL"] },
      readOnlyRootFilesystem: true,
    },
    volumeMounts: [
      { mountPath: "/etc/metallb/memberlist", name: "memberlist-config", readOnly: true },
      { mountPath: "/etc/ml_secret_key", name: "memberlist" },
      { mountPath: "/etc/metallb", name: "metallb-excludel2" },
    ],
  };
  const controlPlaneTolerations: V1Toleration[] = ["node-role.kubernetes.io/master", "node-role.kubernetes.io/control-plane"].map(
    (key) => ({ effect: "NoSchedule", key, operator: "Exists" }),
  );
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { labels: labels("speaker"), name: names.speaker, namespace: options.namespace },
    spec: {
      selector: { matchLabels: selectorLabels("speaker") },
      template: {
        metadata: { labels: selectorLabels("speaker") },
        spec: {
          containers: [container],
          hostNetwork: true,
          nodeSelector: { "kubernetes.io/os": "linux", ...options.speakerNodeSelector },
          serviceAccountName: names.speaker,
          terminationGracePeriodSeconds: 0,
          tolerations: [...controlPlaneTolerations, ...options.speakerTolerations],
          volumes: [
            // The memberlist Secret is created by the controller at start.
            { name: "memberlist", secret: { defaultMode: 420, secretName: names.memberlist } },
            { configMap: { defaultMode: 256, name: names.excludeL2 }, name: "metallb-excludel2" },
            { configMap: { name: "metallb-memberlist-config", optional: true }, name: "memberlist-config" },
          ],
        },
      },
      updateStrategy: { type: "RollingUpdate" },
    },
  };
}
