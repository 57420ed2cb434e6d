// The takeover plan as text: what is adopted as it is, what changes (and whether pods restart),
// what is created, what is pruned, which Helm records go.
import type { TakeoverPlan } from "./plan.ts";

function ownerText(plan: TakeoverPlan["objects"][number]): string {
  const owner = plan.owner;
  if (!owner) return "";
  if (owner.type === "helm") return `Helm release ${owner.namespace}/${owner.release}`;
  if (owner.type === "yoke") return `release ${owner.namespace}/${owner.release}`;
  return owner.managers.length > 0 ? `applied by ${owner.managers.join(", ")}` : "no release, no field manager";
}

export function formatPlan(plan: TakeoverPlan): string[] {
  const lines: string[] = [];
  const adopt = plan.objects.filter((object) => object.action === "adopt");
  const unchanged = adopt.filter((object) => object.changes.length === 0);
  const changed = adopt.filter((object) => object.changes.length > 0);
  const created = plan.objects.filter((object) => object.action === "create");
  const kept = plan.objects.filter((object) => object.action === "keep");
  const restarts = adopt.filter((object) => object.restarts);
  if (adopt.length === 0 && plan.releases.length === 0 && plan.prune.length === 0) {
    lines.push(`nothing to take over: hangar already owns all ${kept.length} objects${created.length > 0 ? `, ${created.length} to create (run deploy)` : ""}`);
    return lines;
  }
  lines.push(`adopt as they are (${unchanged.length}):`);
  for (const object of unchanged) lines.push(`  ${object.id}  [${ownerText(object)}]`);
  lines.push(`adopt with changes (${changed.length}):`);
  for (const object of changed) {
    lines.push(`  ${object.id}  [${ownerText(object)}]${object.restarts ? "  RESTARTS PODS" : ""}`);
    for (const field of object.changes) lines.push(`    ~ ${field}`);
  }
  lines.push(`create (${created.length}):`, ...created.map((object) => `  ${object.id}`));
  lines.push(`prune, left over from the Helm releases (${plan.prune.length}):`, ...plan.prune.map((object) => `  ${object.id}  [Helm release ${object.release}]`));
  lines.push(`Helm release records deleted once everything is ready (${plan.releases.length}):`);
  for (const release of plan.releases) lines.push(`  ${release.namespace}/${release.name} (${release.chart}, revision ${release.version}, ${release.status}): ${release.secrets.join(", ")}`);
  lines.push(
    restarts.length === 0
      ? "pods restarted: none (no Deployment or DaemonSet pod template changes)"
      : `pods restarted: ${restarts.map((object) => object.id).join(", ")} (their pod templates change)`,
  );
  return lines;
}
