// Running the built flights as a user (or yoke) would: `node dist/flights/<name>.js`, input on
// stdin, release and namespace the way yoke passes them.
import { spawnSync } from "node:child_process";
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

/** Runs one built flight; returns its exact stdout. Its stderr (notices) passes through. */
export function runBuiltFlight(plan) {
  const bundle = join(root, "dist", "flights", `${plan.name}.js`);
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing; run npm run build`);
  const result = spawnSync(process.execPath, [bundle, plan.release], {
    input: JSON.stringify(plan.input),
    env: { ...process.env, YOKE_RELEASE: plan.release, YOKE_NAMESPACE: plan.namespace, NAMESPACE: plan.namespace },
    stdio: ["pipe", "pipe", "inherit"],
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`flight ${plan.name} failed (exit ${result.status})`);
  return result.stdout;
}
