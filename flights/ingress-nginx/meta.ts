// Labels and images shared by every ingress-nginx object.
export const version = "1.15.1";
export const controllerImage =
  "registry.k8s.io/ingress-nginx/controller:v1.15.1@sha256:594ceea76b01c592858f803f9ff4d2cb40542cae2060410b2c95f75907d659e1";
export const certgenImage =
  "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.6.9@sha256:01038e7de14b78d702d2849c3aad72fd25903c4765af63cf16aa3398f5d5f2dd";

export type Component = "controller" | "admission-webhook";

/** Pods are selected by these; they never change between versions. */
export function selectorLabels(component: Component = "controller"): Record<string, string> {
  return {
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/instance": "ingress-nginx",
    "app.kubernetes.io/name": "ingress-nginx",
  };
}

/** Object labels; cluster-wide controller objects carry no component, as upstream's do. */
export function labels(component?: Component): Record<string, string> {
  const { "app.kubernetes.io/component": _, ...common } = selectorLabels();
  return {
    ...(component && { "app.kubernetes.io/component": component }),
    ...common,
    "app.kubernetes.io/part-of": "ingress-nginx",
    "app.kubernetes.io/version": version,
  };
}

/** The chart's name and version stamp, `helm.sh/chart`. */
export const chart = "ingress-nginx-4.15.1";

/**
 * Pod template labels exactly as the chart renders them, Helm's own included: a Deployment rolls
 * its pods whenever spec.template changes, so taking over a chart install without a restart
 * needs these labels as they are. They are inert (nothing selects on them); elsewhere hangar
 * drops `helm.sh/chart` and sets `managed-by: yoke`.
 */
export function podLabels(component: Component): Record<string, string> {
  return { ...labels(component), "app.kubernetes.io/managed-by": "Helm", "helm.sh/chart": chart };
}

export const podNamespace = { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } };
