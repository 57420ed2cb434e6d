#!/usr/bin/env node
// hangar up: homelab.yaml -> Talos -> add-ons. With --dry-run it touches no machine and no
// cluster: it validates the declaration, renders every flight with the built bundles and
// prints the plan, Talos commands included (and with --out DIR writes every input, output,
// patch and command line there). Without it: Talos through talosctl (--local: a Docker
// cluster on this machine), then the add-ons (--talos-only stops after Talos).
import { argv, chalk, fs, path } from "zx";
import { importDist, importPlanner, runBuiltFlight } from "./flights.mjs";
import { consoleIO, loadTalos, stateDirFor, tailscaleKeyFor } from "./talos.mjs";
import { deployAddons as deployAddonsWith } from "./addons.mjs";

const configPath = argv.config ?? "homelab.yaml";

async function main() {
  const { parseHomelab } = await importDist("homelab/load.js");
  const { planFlights } = await importPlanner();
  const { homelab, warnings } = parseHomelab(await readConfig(configPath), configPath);
  warnings.forEach((line) => console.error(chalk.yellow(line)));
  const talos = await loadTalos();
  const layout = talos.stateLayout(stateDirFor(configPath));
  if (!argv["dry-run"]) return provision(talos, homelab, layout);
  const talosPlan = talos.talosPlan(homelab, layout);
  const plans = planFlights(homelab);
  const rendered = plans.map((plan) => ({ plan, stdout: runBuiltFlight(plan) }));
  if (argv.out) {
    await writeFlights(argv.out, rendered);
    await writeTalosPlan(argv.out, talosPlan);
  }
  printTalosPlan(talosPlan);
  printPlan(homelab, rendered);
}

async function provision(talos, homelab, layout) {
  const io = consoleIO(talos);
  let target = homelab;
  let kubeconfig = layout.kubeconfig;
  if (argv.local) {
    target = talos.localHomelab(homelab);
    const local = talos.localLayout(layout.dir);
    const { created } = await talos.ensureLocalCluster(target, local, io);
    console.log(chalk.green(created ? `Local cluster ${homelab.cluster.name} created in Docker` : `Local cluster ${homelab.cluster.name} is already running`));
    kubeconfig = local.kubeconfig;
  } else {
    const tailscaleAuthKey = await tailscaleKeyFor(talos, homelab, layout);
    const { changes } = await talos.convergeTalos(homelab, layout, io, { tailscaleAuthKey });
    console.log(
      changes.length === 0
        ? chalk.green(`Talos cluster ${homelab.cluster.name} is up to date: nothing applied, nothing rebooted.`)
        : chalk.green(`Talos cluster ${homelab.cluster.name} converged: ${changes.join("; ")}.`),
    );
  }
  console.log(`kubeconfig: ${kubeconfig}`);
  if (argv["talos-only"]) return;
  await deployAddons(target, kubeconfig);
}

/** The add-ons go on through the same applier as deploy.mjs. */
async function deployAddons(homelab, kubeconfig) {
  const { renderPlan, undeclaredFlights } = await importPlanner();
  await deployAddonsWith(renderPlan(homelab), { kubeconfig, flags: argv, retired: undeclaredFlights(homelab) });
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

/** DIR/talos/: every patch, each schematic and commands.sh, written like the flights (whole or not at all). */
async function writeTalosPlan(outDir, plan) {
  const target = path.join(outDir, "talos");
  const staging = `${target}.partial`;
  await fs.rm(staging, { recursive: true, force: true });
  await fs.mkdir(staging, { recursive: true });
  for (const [name, text] of plan.files) await fs.writeFile(path.join(staging, name), text);
  await fs.writeFile(path.join(staging, "commands.sh"), plan.script);
  await fs.rm(target, { recursive: true, force: true });
  await fs.rename(staging, target);
}

function printTalosPlan(plan) {
  console.log(chalk.bold(`Talos (talosctl, in order)`));
  for (const line of plan.script.split("\n").slice(1)) console.log(line.startsWith("#") ? chalk.dim(line) : line);
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
  if (argv.out) console.log(`\nwrote ${path.join(argv.out, "flights")}/ and ${path.join(argv.out, "talos")}/`);
}

main().catch((err) => {
  console.error(chalk.red(err.message));
  process.exit(1);
});
