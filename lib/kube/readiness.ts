// When an applied object counts as ready, per kind (yoke's rules, plus the LoadBalancer address
// and webhook CA checks yoke lacks). Pure: it reads one observed object. The kind comes from what
// was applied, never from the object: a real API server's list items carry no kind.
type Json = any;

export interface Readiness {
  ready: boolean;
  /** Set when the object can never become ready (a failed Job). */
  failed?: string;
  /** What was last seen, for timeout messages. */
  observed: string;
}

const condition = (object: Json, type: string) => (object.status?.conditions ?? []).find((c: Json) => c.type === type);
const isTrue = (object: Json, type: string) => {
  const found = condition(object, type);
  // A condition written for an older generation says nothing about this one.
  const stale = found?.observedGeneration !== undefined && found.observedGeneration !== object.metadata?.generation;
  return found?.status === "True" && !stale;
};

/** The address a LoadBalancer Service asks MetalLB for, if any. */
export function requestedAddress(service: Json): string | undefined {
  const annotated = service.metadata?.annotations?.["metallb.io/loadBalancerIPs"] as string | undefined;
  return annotated?.split(",")[0]?.trim() || service.spec?.loadBalancerIP || undefined;
}

export function readiness(kind: string, object: Json): Readiness {
  const status = object.status ?? {};
  switch (kind) {
    case "Namespace":
      return { ready: status.phase === "Active", observed: `phase ${status.phase ?? "unset"}` };
    case "CustomResourceDefinition":
      return { ready: isTrue(object, "Established"), observed: `Established ${condition(object, "Established")?.status ?? "unset"}` };
    case "Deployment": {
      const want = object.spec?.replicas ?? 1;
      const counts = [status.replicas, status.availableReplicas, status.readyReplicas, status.updatedReplicas];
      const current = status.observedGeneration === object.metadata?.generation;
      return {
        ready: current && isTrue(object, "Available") && counts.every((count) => count === want),
        observed: `generation ${object.metadata?.generation} observed ${status.observedGeneration ?? "none"}, replicas/available/ready/updated ${counts.map((c) => c ?? 0).join("/")} of ${want}`,
      };
    }
    case "DaemonSet": {
      const counts = [status.currentNumberScheduled, status.updatedNumberScheduled, status.numberAvailable, status.numberReady];
      const current = status.observedGeneration === object.metadata?.generation;
      return {
        ready: current && status.desiredNumberScheduled !== undefined && counts.every((count) => count === status.desiredNumberScheduled),
        observed: `desired ${status.desiredNumberScheduled ?? "unknown"}, current/updated/available/ready ${counts.map((c) => c ?? 0).join("/")}`,
      };
    }
    case "Job":
      if (isTrue(object, "Failed")) return { ready: false, failed: `job failed: ${condition(object, "Failed")?.message ?? "no message"}`, observed: "Failed" };
      return { ready: isTrue(object, "Complete"), observed: `Complete ${condition(object, "Complete")?.status ?? "unset"}` };
    case "Service": {
      if (object.spec?.type !== "LoadBalancer") return { ready: true, observed: "not a LoadBalancer" };
      const ips: string[] = (status.loadBalancer?.ingress ?? []).map((entry: Json) => entry.ip).filter(Boolean);
      const wanted = requestedAddress(object);
      return {
        ready: wanted ? ips.includes(wanted) : ips.length > 0,
        observed: ips.length > 0 ? `load balancer address ${ips.join(", ")}${wanted ? ` (asked for ${wanted})` : ""}` : `no load balancer address yet${wanted ? ` (asked for ${wanted})` : ""}`,
      };
    }
    case "GatewayClass":
      return { ready: isTrue(object, "Accepted"), observed: conditionText(object, "Accepted") };
    case "Gateway": {
      const addresses: string[] = (status.addresses ?? []).map((entry: Json) => entry.value);
      const wanted = object.spec?.infrastructure?.annotations?.["metallb.io/loadBalancerIPs"]?.split(",")[0]?.trim() as string | undefined;
      return {
        ready: isTrue(object, "Programmed") && (wanted ? addresses.includes(wanted) : addresses.length > 0),
        observed: `${conditionText(object, "Programmed")}, addresses ${addresses.join(", ") || "none"}${wanted ? ` (asked for ${wanted})` : ""}`,
      };
    }
    default:
      return { ready: true, observed: "ready on apply" };
  }
}

/** A condition with the reason and message its controller gave, e.g. `Programmed False (AddressNotAssigned: ...)`. */
function conditionText(object: Json, type: string): string {
  const found = condition(object, type);
  if (!found) return `${type} unset`;
  const why = [found.reason, found.message].filter(Boolean).join(": ");
  return `${type} ${found.status}${why ? ` (${why})` : ""}`;
}

/** A Service answers once one of its EndpointSlices holds a ready endpoint. */
export function endpointsReady(slices: Json[]): Readiness {
  const endpoints: Json[] = slices.flatMap((slice) => slice.endpoints ?? []);
  const ready = endpoints.filter((endpoint) => endpoint.conditions?.ready !== false);
  return { ready: ready.length > 0, observed: endpoints.length === 0 ? "no endpoints" : `${ready.length} of ${endpoints.length} endpoints ready` };
}

/** A webhook configuration can answer only once every webhook carries its CA. */
export function webhookCaReady(configuration: Json): Readiness {
  const hooks: Json[] = configuration.webhooks ?? [];
  const missing = hooks.filter((hook) => !hook.clientConfig?.caBundle).map((hook) => hook.name);
  return { ready: missing.length === 0, observed: missing.length === 0 ? "every webhook has a caBundle" : `no caBundle yet on ${missing.join(", ")}` };
}
