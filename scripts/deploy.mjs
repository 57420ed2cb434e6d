#!/usr/bin/env node
// hangar deploy: every flight of homelab.yaml onto the cluster of the current kubeconfig
// (--kubeconfig, --context), in dependency order, with readiness gates, a release record per
// flight and pruning (asked first). --dry-run: server dry run only; --diff: what would change.
import { chalk } from "zx";
import { importPlanner } from "./flights.mjs";
import { commandLine } from "./cli.mjs";
import { loadDeclaration } from "./talos.mjs";
import { deployAddons } from "./addons.mjs";

const options = await commandLine("deploy");

async function main() {
  const { renderPlan, undeclaredFlights } = await importPlanner();
  const homelab = await loadDeclaration(options.config);
  await deployAddons(renderPlan(homelab), options, undeclaredFlights(homelab));
}

main().catch((err) => {
  console.error(chalk.red(err.message));
  process.exit(1);
});
