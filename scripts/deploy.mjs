#!/usr/bin/env node
// hangar deploy: every flight of homelab.yaml onto the cluster of the current kubeconfig
// (--kubeconfig, --context), in dependency order, with readiness gates, a release record per
// flight and pruning. --dry-run: server dry run only; --diff: what would change.
import { readFile } from "node:fs/promises";
import { argv, chalk } from "zx";
import { importDist, importPlanner } from "./flights.mjs";
import { deployAddons } from "./addons.mjs";

async function main() {
  const { parseHomelab } = await importDist("homelab/load.js");
  const { renderPlan, undeclaredFlights } = await importPlanner();
  const configPath = argv.config ?? "homelab.yaml";
  const { homelab } = parseHomelab(await readFile(configPath, "utf8"), configPath);
  await deployAddons(renderPlan(homelab), { kubeconfig: argv.kubeconfig, context: argv.context, flags: argv, retired: undeclaredFlights(homelab) });
}

main().catch((err) => {
  console.error(chalk.red(err.code === "ENOENT" ? `${err.path}: cannot read the declaration (ENOENT)` : err.message));
  process.exit(1);
});
