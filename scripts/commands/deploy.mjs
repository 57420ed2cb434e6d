// hangar deploy: every flight of homelab.yaml onto the cluster of the current kubeconfig
// (--kubeconfig, --context), in dependency order, with readiness gates, a release record per
// flight and pruning (asked first). --dry-run: server dry run only; --diff: what would change.
import { renderPlan, undeclaredFlights } from "../../lib/flight/plan.ts";
import { flights } from "../../flights/index.ts";
import { loadDeclaration } from "./declaration.mjs";
import { deployAddons } from "./addons.mjs";

export async function run(options) {
  const homelab = loadDeclaration(options.config);
  await deployAddons(renderPlan(homelab, flights), options, undeclaredFlights(homelab, flights));
}
