// hangar up: homelab.yaml -> Talos -> add-ons. With --dry-run it touches no machine and no
// cluster: it validates the declaration, renders every flight and prints the plan, Talos
// commands included (and with --out DIR writes every input, output, patch and command line
// there). Without it: Talos through talosctl (--local: a Docker cluster on this machine), then
// the add-ons (--talos-only stops after Talos).
// --maintenance-address NAME=IP: where a node booted from the ISO answers, when its MAC cannot be
// found in the DHCP range.
import { loadDeclaration } from "./declaration.mjs";
import { renderAndPrint } from "./plan.mjs";

export async function run(options) {
  const homelab = loadDeclaration(options.config);
  if (options.dryRun) return renderAndPrint(homelab, options);
  // Talos and the add-ons, loaded only for a real run.
  const { provision } = await import("./provision.mjs");
  return provision(homelab, options);
}
