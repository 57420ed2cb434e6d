#!/usr/bin/env node
// hangar up: homelab.yaml -> Talos -> add-ons. With --dry-run it touches no machine and no
// cluster: it validates the declaration, renders every flight with the built bundles and
// prints the plan, Talos commands included (and with --out DIR writes every input, output,
// patch and command line there). Without it: Talos through talosctl (--local: a Docker
// cluster on this machine), then the add-ons (--talos-only stops after Talos).
// --maintenance-address NAME=IP: where a node booted from the ISO answers, when its MAC cannot be
// found in the DHCP range.
import { chalk } from "zx";
import { importPlanner } from "./flights.mjs";
import { commandLine } from "./cli.mjs";
import { consoleIO, loadDeclaration, loadTalos, maintenanceAddressesFrom, stateDirFor, tailscaleKeyFor } from "./talos.mjs";
import { deployAddons } from "./addons.mjs";
import { renderAndPrint } from "./plan.mjs";

const options = await commandLine("up");

async function main() {
  const homelab = await loadDeclaration(options.config);
  if (options.dryRun) return renderAndPrint(homelab, options);
  const talos = await loadTalos();
  return provision(talos, homelab, talos.stateLayout(stateDirFor(options.config)));
}

async function provision(talos, homelab, layout) {
  const io = consoleIO(talos);
  let target = homelab;
  let kubeconfig = layout.kubeconfig;
  if (options.local) {
    target = talos.localHomelab(homelab);
    const local = talos.localLayout(layout.dir);
    const { created } = await talos.ensureLocalCluster(target, local, io);
    console.log(chalk.green(created ? `Local cluster ${homelab.cluster.name} created in Docker` : `Local cluster ${homelab.cluster.name} is already running`));
    kubeconfig = local.kubeconfig;
  } else {
    const tailscaleAuthKey = await tailscaleKeyFor(talos, homelab, layout);
    const maintenanceAddresses = maintenanceAddressesFrom(talos, homelab, options.maintenanceAddress);
    const { changes } = await talos.convergeTalos(homelab, layout, io, { tailscaleAuthKey, maintenanceAddresses });
    console.log(
      changes.length === 0
        ? chalk.green(`Talos cluster ${homelab.cluster.name} is up to date: nothing applied, nothing rebooted.`)
        : chalk.green(`Talos cluster ${homelab.cluster.name} converged: ${changes.join("; ")}.`),
    );
  }
  console.log(`kubeconfig: ${kubeconfig}`);
  if (options.talosOnly) return;
  // The add-ons go on through the same applier as deploy.mjs.
  const { renderPlan, undeclaredFlights } = await importPlanner();
  await deployAddons(renderPlan(target), { ...options, kubeconfig }, undeclaredFlights(target));
}

main().catch((err) => {
  console.error(chalk.red(err.message));
  process.exit(1);
});
