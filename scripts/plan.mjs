// The plan without touching anything (up --dry-run and render): the declaration checked, every
// flight rendered with the built bundles, the Talos commands; with --out DIR all of it written.
import { chalk, path } from "zx";
import { importDist, importPlanner, runBuiltFlight } from "./flights.mjs";
import { loadTalos, stateDirFor } from "./talos.mjs";

export async function renderAndPrint(homelab, { config, out }) {
  const { planFlights } = await importPlanner();
  const { checkOutDir, writeOutDir } = await importDist("cli/out-dir.js");
  // A folder hangar may not write into is refused before anything is rendered.
  if (out) checkOutDir(out);
  const talos = await loadTalos();
  const talosPlan = talos.talosPlan(homelab, talos.stateLayout(stateDirFor(config)));
  const rendered = planFlights(homelab).map((plan) => ({ plan, stdout: runBuiltFlight(plan) }));
  if (out) {
    const files = new Map();
    for (const { plan, stdout } of rendered) {
      files.set(`flights/${plan.name}.input.json`, JSON.stringify(plan.input, null, 2) + "\n");
      files.set(`flights/${plan.name}.json`, stdout);
    }
    for (const [name, text] of talosPlan.files) files.set(`talos/${name}`, text);
    files.set("talos/commands.sh", talosPlan.script);
    writeOutDir(out, files);
  }
  printTalosPlan(talosPlan);
  printPlan(homelab, rendered, config);
  if (out) console.log(`\nwrote ${path.join(out, "flights")}/ and ${path.join(out, "talos")}/`);
}

function printTalosPlan(plan) {
  console.log(chalk.bold(`Talos (talosctl, in order)`));
  for (const line of plan.script.split("\n").slice(1)) console.log(line.startsWith("#") ? chalk.dim(line) : line);
}

function printPlan(homelab, rendered, config) {
  console.log(chalk.bold(`hangar plan for ${homelab.cluster.name} (${config})`));
  rendered.forEach(({ plan, stdout }, index) => {
    const needs = plan.needs.length > 0 ? `, needs ${plan.needs.join(", ")}` : "";
    console.log(`\n${index + 1}. ${chalk.cyan(plan.name)} (release ${plan.release} in ${plan.namespace}${needs})`);
    JSON.parse(stdout).forEach((stage, stageIndex) => {
      console.log(`   stage ${stageIndex + 1}: ${stage.length} resource${stage.length === 1 ? "" : "s"}`);
      for (const resource of stage) {
        const namespace = resource.metadata.namespace ? `${resource.metadata.namespace}/` : "";
        console.log(`     ${resource.kind} ${namespace}${resource.metadata.name}`);
      }
    });
  });
}
