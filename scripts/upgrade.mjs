#!/usr/bin/env node
// hangar upgrade: brings installed nodes to homelab.yaml's Talos version, extensions and
// Kubernetes version (what up.mjs also does on every run), without installing new nodes or
// touching the add-ons. Equal versions and schematics mean nothing happens.
import { chalk } from "zx";
import { commandLine } from "./cli.mjs";
import { consoleIO, loadDeclaration, loadTalos, stateDirFor, tailscaleKeyFor } from "./talos.mjs";

const options = await commandLine("upgrade");

async function main() {
  const homelab = await loadDeclaration(options.config);
  const talos = await loadTalos();
  const layout = talos.stateLayout(stateDirFor(options.config));
  const tailscaleAuthKey = await tailscaleKeyFor(talos, homelab, layout);
  const { changes } = await talos.convergeTalos(homelab, layout, consoleIO(talos), { tailscaleAuthKey, upgradeOnly: true });
  console.log(
    changes.length === 0
      ? chalk.green(`${homelab.cluster.name} already runs Talos ${homelab.cluster.talosVersion} and Kubernetes ${homelab.cluster.kubernetesVersion}: nothing to upgrade.`)
      : chalk.green(`${homelab.cluster.name}: ${changes.join("; ")}.`),
  );
}

main().catch((err) => {
  console.error(chalk.red(err.message));
  process.exit(1);
});
