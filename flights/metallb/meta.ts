// Names and labels as MetalLB's Helm chart 0.16.1 renders them for a release named `metallb`, so
// a cluster installed with the chart is taken over object for object, without a pod restart.
export const version = "v0.16.1";

/** The chart's fullname for the release `metallb`: the prefix of every namespaced name. */
export const fullname = "metallb";

export type Component = "controller" | "speaker";

/** What the chart's Deployment, DaemonSet and Services select on (also the pod labels). */
export function selectorLabels(component: Component): Record<string, string> {
  return { "app.kubernetes.io/name": "metallb", "app.kubernetes.io/instance": fullname, "app.kubernetes.io/component": component };
}

/**
 * The chart's object labels without Helm's own (`helm.sh/chart`, `managed-by: Helm`): hangar
 * sets `managed-by: yoke` when it applies.
 */
export function labels(component?: Component): Record<string, string> {
  return {
    "app.kubernetes.io/name": "metallb",
    "app.kubernetes.io/instance": fullname,
    "app.kubernetes.io/version": version,
    ...(component && { "app.kubernetes.io/component": component }),
  };
}

export const names = {
  controller: `${fullname}-controller`,
  speaker: `${fullname}-speaker`,
  podLister: `${fullname}-pod-lister`,
  memberlist: `${fullname}-memberlist`,
  webhookService: "metallb-webhook-service",
  webhookCert: "metallb-webhook-cert",
  webhookConfiguration: "metallb-webhook-configuration",
  excludeL2: "metallb-excludel2",
} as const;
