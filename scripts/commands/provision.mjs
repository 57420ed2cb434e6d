// up without --dry-run: Talos through talosctl (or a local Docker cluster), then the add-ons
// through the same applier as deploy.
import { renderPlan, undeclaredFlights } from "../../lib/flight/plan.ts";
import { flights } from "../../flights/index.ts";
import { consoleIO, loadTalos, maintenanceAddressesFrom, stateDirFor, tailscaleKeyFor } from "./talos.mjs";
import { deployAddons } from "./addons.mjs";
import { paint, print } from "./console.mjs";

export async function provision(homelab, options) {
  const talos = loadTalos();
  const layout = talos.stateLayout(stateDirFor(options.config));
  const io = consoleIO(talos);
  let target = homelab;
  let kubeconfig = layout.kubeconfig;
  if (options.local) {
    target = talos.localHomelab(homelab);
    const local = talos.localLayout(layout.dir);
    const { created } = await talos.ensureLocalCluster(target, local, io);
    print(paint.green(created ? `Local cluster ${homelab.cluster.name} created in Docker` : `Local cluster ${homelab.cluster.name} is already running`));
    kubeconfig = local.kubeconfig;
  } else {
    const tailscaleAuthKey = await tailscaleKeyFor(talos, homelab, layout);
    const maintenanceAddresses = maintenanceAddressesFrom(talos, homelab, options.maintenanceAddress);
    const { changes } = await talos.convergeTalos(homelab, layout, io, { tailscaleAuthKey, maintenanceAddresses });
    print(
      changes.length === 0
        ? paint.green(`Talos cluster ${homelab.cluster.name} is up to date: nothing applied, nothing rebooted.`)
        : paint.green(`Talos cluster ${homelab.cluster.name} converged: ${changes.join("; ")}.`),
    );
  }
  print(`kubeconfig: ${kubeconfig}`);
  if (options.talosOnly) return;
  await deployAddons(renderPlan(target, flights), { ...options, kubeconfig }, undeclaredFlights(target, flights));
}
