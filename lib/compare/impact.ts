// What a field difference means for a running cluster, so the report sets restarts apart from
// cosmetic differences: a changed pod template replaces the workload's pods, a changed selector
// cannot be applied at all, an informational label changes nothing the cluster does.
import type { FactDifference } from "./differ.ts";
import { podTemplateFact } from "./facts.ts";

export type Impact = "restart" | "recreate" | "behaviour" | "cosmetic";

const podControllers = new Set(["Deployment", "DaemonSet", "StatefulSet", "ReplicaSet"]);

export function impactOf(difference: Pick<FactDifference, "ref" | "fact">): Impact {
  const { kind } = difference.ref;
  if (difference.fact === "selector" && (podControllers.has(kind) || kind === "Job")) return "recreate";
  if (podTemplateFact.test(difference.fact)) return podControllers.has(kind) ? "restart" : kind === "Job" || kind === "CronJob" ? "recreate" : "behaviour";
  // Object labels are read by people and selectors elsewhere; a Namespace's (Pod Security) act.
  if (difference.fact.startsWith("label ") && kind !== "Namespace") return "cosmetic";
  // A CRD's descriptions are documentation (kubectl explain); the server validates nothing by them.
  if (kind === "CustomResourceDefinition" && /: description /.test(difference.fact)) return "cosmetic";
  return "behaviour";
}

export const impactText: Record<Impact, string> = {
  restart: "restarts pods",
  recreate: "immutable: the object must be recreated",
  behaviour: "changes behaviour",
  cosmetic: "cosmetic",
};
