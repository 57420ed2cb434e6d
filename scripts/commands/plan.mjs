// The plan without touching anything (up --dry-run and render): the declaration checked, every
// flight rendered in process with the code the built bundles run (byte for byte their output),
// the Talos commands; with --out DIR all of it written.
import path from "node:path";
import { planFlights, renderFlightOutput } from "../../lib/flight/plan.ts";
import { checkOutDir, writeOutDir } from "../../lib/cli/out-dir.ts";
import { stateLayout } from "../../lib/talos/layout.ts";
import { talosPlan } from "../../lib/talos/plan.ts";
import { flights } from "../../flights/index.ts";
import { stateDirFor } from "./talos.mjs";
import { paint, print, warn } from "./console.mjs";

export function renderAndPrint(homelab, { config, out }) {
  const talos = talosPlan(homelab, stateLayout(stateDirFor(config)));
  const plans = planFlights(homelab, flights);
  const inputs = new Map(plans.map((plan) => [`flights/${plan.name}.input.json`, JSON.stringify(plan.input, null, 2) + "\n"]));
  const talosFiles = new Map([...[...talos.files].map(([name, text]) => [`talos/${name}`, text]), ["talos/commands.sh", talos.script]]);
  const outputName = (plan) => `flights/${plan.name}.json`;
  // A folder hangar may not write into is refused before any flight is rendered.
  if (out) checkOutDir(out, [...inputs.keys(), ...plans.map(outputName), ...talosFiles.keys()]);
  const rendered = plans.map((plan) => ({ plan, ...renderFlightOutput(plan, flights) }));
  rendered.flatMap(({ notices }) => notices).forEach((line) => warn(line));
  if (out) writeOutDir(out, new Map([...inputs, ...rendered.map(({ plan, stdout }) => [outputName(plan), stdout]), ...talosFiles]));
  printTalosPlan(talos);
  printPlan(homelab, rendered, config);
  if (out) print(`\nwrote ${path.join(out, "flights")}/ and ${path.join(out, "talos")}/`);
}

function printTalosPlan(plan) {
  print(paint.bold(`Talos (talosctl, in order)`));
  for (const line of plan.script.split("\n").slice(1)) print(line.startsWith("#") ? paint.dim(line) : line);
}

function printPlan(homelab, rendered, config) {
  print(paint.bold(`hangar plan for ${homelab.cluster.name} (${config})`));
  rendered.forEach(({ plan, stdout }, index) => {
    const needs = plan.needs.length > 0 ? `, needs ${plan.needs.join(", ")}` : "";
    const addresses = plan.addressesFrom.length > 0 ? `, addresses from ${plan.addressesFrom.join(", ")}` : "";
    print(`\n${index + 1}. ${paint.cyan(plan.name)} (release ${plan.release} in ${plan.namespace}${needs}${addresses})`);
    JSON.parse(stdout).forEach((stage, stageIndex) => {
      print(`   stage ${stageIndex + 1}: ${stage.length} resource${stage.length === 1 ? "" : "s"}`);
      for (const resource of stage) {
        const namespace = resource.metadata.namespace ? `${resource.metadata.namespace}/` : "";
        print(`     ${resource.kind} ${namespace}${resource.metadata.name}`);
      }
    });
  });
}
