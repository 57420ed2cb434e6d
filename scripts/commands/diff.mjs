// hangar diff: what deploy would create, change and delete on the cluster of the current
// kubeconfig (--kubeconfig, --context), from a server dry run against live; writes nothing.
import { renderPlan } from "../../lib/flight/plan.ts";
import { flights } from "../../flights/index.ts";
import { loadDeclaration } from "./declaration.mjs";
import { deployAddons } from "./addons.mjs";

export async function run(options) {
  await deployAddons(renderPlan(loadDeclaration(options.config), flights), { ...options, diff: true });
}
