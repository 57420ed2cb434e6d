// lib/ as built into dist/lib/, for the scripts outside the command line (benchmarks, crd-data).
import { existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Fails with a one-line hint when `npm ci` (which builds) has not run. */
export async function importDist(module) {
  const path = join(root, "dist", "lib", module);
  if (!existsSync(path)) {
    throw new Error(`hangar is not built (${join("dist", "lib", module)} is missing); run npm ci or npm run build`);
  }
  return import(path);
}

/** The planner with hangar's own registry of flights bound in. */
export async function importPlanner() {
  const [plan, { flights }] = await Promise.all([importDist("flight/plan.js"), importDist("registry.js")]);
  return {
    planFlights: (homelab) => plan.planFlights(homelab, flights),
    renderFlight: (flightPlan) => plan.renderFlight(flightPlan, flights),
    renderPlan: (homelab) => plan.renderPlan(homelab, flights),
    undeclaredFlights: (homelab) => plan.undeclaredFlights(homelab, flights),
  };
}
