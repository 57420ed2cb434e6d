// The controller: its ConfigMap, Services, Deployment and IngressClass.
import type { Resource } from "../../lib/flight/contract.ts";
import type { V1Container } from "@kubernetes/client-node";
import { controllerImage, labels, podLabels, podNamespace, selectorLabels } from "./meta.ts";
import type { IngressNginxInput } from "./input.ts";

export function configMap(namespace: string, data: Record<string, string>): Resource {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { labels: labels("controller"), name: "ingress-nginx-controller", namespace },
    ...(Object.keys(data).length > 0 && { data }),
  };
}

/** The LAN entry point: MetalLB assigns the declared address through its annotations. */
export function loadBalancerService(namespace: string, input: IngressNginxInput): Resource {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      annotations: {
        "metallb.io/loadBalancerIPs": input.loadBalancerIP,
        ...(input.addressPool && { "metallb.io/address-pool": input.addressPool }),
      },
      labels: labels("controller"),
      name: "ingress-nginx-controller",
      namespace,
    },
    spec: {
      externalTrafficPolicy: input.externalTrafficPolicy,
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
      ports: ["http", "https"].map((name) => ({
        appProtocol: name,
        name,
        port: name === "http" ? 80 : 443,
        protocol: "TCP",
        targetPort: name,
      })),
      selector: selectorLabels(),
      type: "LoadBalancer",
    },
  };
}

export function admissionService(namespace: string): Resource {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { labels: labels("controller"), name: "ingress-nginx-controller-admission", namespace },
    spec: {
      ports: [{ appProtocol: "https", name: "https-webhook", port: 443, targetPort: "webhook" }],
      selector: selectorLabels(),
      type: "ClusterIP",
    },
  };
}

const healthProbe = (failureThreshold: number) => ({
  failureThreshold,
  httpGet: { path: "/healthz", port: 10254, scheme: "HTTP" },
  initialDelaySeconds: 10,
  periodSeconds: 10,
  successThreshold: 1,
  timeoutSeconds: 1,
});

export function deployment(namespace: string, input: IngressNginxInput): Resource {
  const container: V1Container = {
    args: [
      "/nginx-ingress-controller",
      "--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller",
      "--election-id=ingress-nginx-leader",
      "--controller-class=k8s.io/ingress-nginx",
      `--ingress-class=${input.ingressClass.name}`,
      "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller",
      "--validating-webhook=:8443",
      "--validating-webhook-certificate=/usr/local/certificates/cert",
      "--validating-webhook-key=/usr/local/certificates/key",
    ],
    env: [
      { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      podNamespace,
      { name: "LD_PRELOAD", value: "/usr/local/lib/libmimalloc.so" },
    ],
    image: controllerImage,
    imagePullPolicy: "IfNotPresent",
    lifecycle: { preStop: { exec: { command: ["/wait-shutdown"] } } },
    livenessProbe: healthProbe(5),
    name: "controller",
    ports: [
      { containerPort: 80, name: "http", protocol: "TCP" },
      { containerPort: 443, name: "https", protocol: "TCP" },
      { containerPort: 8443, name: "webhook", protocol: "TCP" },
    ],
    readinessProbe: healthProbe(3),
    resources: { requests: { cpu: "100m", memory: "90Mi" } },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { add: ["NET_BIND_SERVICE"], drop: ["ALL"] },
      readOnlyRootFilesystem: false,
      runAsGroup: 82,
      runAsNonRoot: true,
      runAsUser: 101,
      seccompProfile: { type: "RuntimeDefault" },
    },
    volumeMounts: [{ mountPath: "/usr/local/certificates/", name: "webhook-cert", readOnly: true }],
  };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { labels: labels("controller"), name: "ingress-nginx-controller", namespace },
    spec: {
      minReadySeconds: 0,
      replicas: input.replicas,
      revisionHistoryLimit: 10,
      selector: { matchLabels: selectorLabels() },
      template: {
        metadata: { labels: podLabels("controller") },
        spec: {
          automountServiceAccountToken: true,
          containers: [container],
          dnsPolicy: "ClusterFirst",
          nodeSelector: { "kubernetes.io/os": "linux" },
          serviceAccountName: "ingress-nginx",
          terminationGracePeriodSeconds: 300,
          // Created by the admission-create job, which runs in the stage before.
          volumes: [{ name: "webhook-cert", secret: { secretName: "ingress-nginx-admission" } }],
        },
      },
    },
  };
}

export function ingressClass(input: IngressNginxInput): Resource {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "IngressClass",
    metadata: {
      ...(input.ingressClass.default && { annotations: { "ingressclass.kubernetes.io/is-default-class": "true" } }),
      labels: labels("controller"),
      name: input.ingressClass.name,
    },
    spec: { controller: "k8s.io/ingress-nginx" },
  };
}

/** The chart keeps one controller up through voluntary disruptions when it runs more than one. */
export function disruptionBudget(namespace: string, input: IngressNginxInput): Resource[] {
  if (input.replicas < 2) return [];
  return [
    {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { labels: labels("controller"), name: "ingress-nginx-controller", namespace },
      spec: { minAvailable: 1, selector: { matchLabels: selectorLabels() } },
    },
  ];
}
