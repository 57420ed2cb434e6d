#!/usr/bin/env node
// hangar up: homelab.yaml -> Talos -> add-ons. With --dry-run it touches no machine and no
// cluster: it validates the declaration, renders every flight with the built bundles and
// prints the plan (and with --out DIR writes every input and output there).
import { argv, chalk, fs, path } from "zx";
import { importDist, runBuiltFlight } from "./flights.mjs";

const configPath = argv.config ?? "homelab.yaml";

async function main() {
  const { parseHomelab } = await importDist("homelab/load.js");
  const { planFlights } = await importDist("plan.js");
  const { homelab, warnings } = parseHomelab(await readConfig(configPath), configPath);
  warnings.forEach((line) => console.error(chalk.yellow(line)));
  if (!argv["dry-run"]) {
    throw new Error("only --dry-run is available in this build: provisioning Talos needs the talos steps");
  }
  const plans = planFlights(homelab);
  const rendered = plans.map((plan) => ({ plan, stdout: runBuiltFlight(plan) }));
  if (argv.out) await writeFlights(argv.out, rendered);
  printPlan(homelab, rendered);
}

async function readConfig(file) {
  try {
    return await fs.readFile(file, "utf8");
  } catch (err) {
    throw new Error(`${file}: cannot read the declaration (${err.code ?? err.message})`);
  }
}

/** Writes into a fresh folder first, so an interrupted run never leaves half a plan behind. */
async function writeFlights(outDir, rendered) {
  const target = path.join(outDir, "flights");
  const staging = `${target}.partial`;
  await fs.rm(staging, { recursive: true, force: true });
  await fs.mkdir(staging, { recursive: true });
  for (const { plan, stdout } of rendered) {
    await fs.writeFile(path.join(staging, `${plan.name}.input.json`), JSON.stringify(plan.input, null, 2) + "\n");
    await fs.writeFile(path.join(staging, `${plan.name}.json`), stdout);
  }
  await fs.rm(target, { recursive: true, force: true });
  await fs.rename(staging, target);
}

function printPlan(homelab, rendered) {
  console.log(chalk.bold(`hangar plan for ${homelab.cluster.name} (${configPath})`));
  rendered.forEach(({ plan, stdout }, index) => {
    const needs = plan.needs.length > 0 ? `, needs ${plan.needs.join(", ")}` : "";
    console.log(`\n${index + 1}. ${chalk.cyan(plan.name)} (release ${plan.release} in ${plan.namespace}${needs})`);
    JSON.parse(stdout).forEach((stage, stageIndex) => {
      console.log(`   stage ${stageIndex + 1}: ${stage.length} resources`);
      for (const resource of stage) {
        const namespace = resource.metadata.namespace ? `${resource.metadata.namespace}/` : "";
        console.log(`     ${resource.kind} ${namespace}${resource.metadata.name}`);
      }
    });
  });
  if (argv.out) console.log(`\nwrote ${path.join(argv.out, "flights")}/`);
}

main().catch((err) => {
  console.error(chalk.red(err.message));
  process.exit(1);
});
