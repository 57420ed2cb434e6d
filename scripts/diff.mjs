#!/usr/bin/env node
// hangar diff: what deploy would create, change and delete on the cluster of the current
// kubeconfig (--kubeconfig, --context), from a server dry run against live; writes nothing.
import { chalk } from "zx";
import { importPlanner } from "./flights.mjs";
import { commandLine } from "./cli.mjs";
import { loadDeclaration } from "./talos.mjs";
import { deployAddons } from "./addons.mjs";

const options = await commandLine("diff");

async function main() {
  const { renderPlan } = await importPlanner();
  const flights = renderPlan(await loadDeclaration(options.config));
  await deployAddons(flights, { ...options, diff: true });
}

main().catch((err) => {
  console.error(chalk.red(err.message));
  process.exit(1);
});
