// hangar upgrade: brings installed nodes to homelab.yaml's Talos version, extensions and
// Kubernetes version (what up.mjs also does on every run), without installing new nodes or
// touching the add-ons. Equal versions and schematics mean nothing happens.
import { consoleIO, loadTalos, stateDirFor, tailscaleKeyFor } from "./talos.mjs";
import { loadDeclaration } from "./declaration.mjs";
import { paint, print } from "./console.mjs";

export async function run(options) {
  const homelab = loadDeclaration(options.config);
  const talos = loadTalos();
  const layout = talos.stateLayout(stateDirFor(options.config));
  const tailscaleAuthKey = await tailscaleKeyFor(talos, homelab, layout);
  const { changes } = await talos.convergeTalos(homelab, layout, consoleIO(talos), { tailscaleAuthKey, upgradeOnly: true });
  print(
    changes.length === 0
      ? paint.green(`${homelab.cluster.name} already runs Talos ${homelab.cluster.talosVersion} and Kubernetes ${homelab.cluster.kubernetesVersion}: nothing to upgrade.`)
      : paint.green(`${homelab.cluster.name}: ${changes.join("; ")}.`),
  );
}
