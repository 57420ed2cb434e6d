#!/usr/bin/env node
// hangar adopt: take over add-ons that Helm (or Terraform) installed. Prints the plan (objects
// adopted as they are, fields that change, objects created or pruned, pods that restart, Helm
// records to delete), asks for confirmation (a terminal) or needs --yes (otherwise), then
// deploys with hangar's field manager taking ownership, drops Helm's marks, and deletes Helm's
// release records last. Prints the `terraform state rm` lines Terraform needs afterwards.
// --terraform NAME=ADDRESS (repeatable): the address of a Helm release or object in your
// Terraform state, e.g. --terraform metallb='helm_release.metallb'. --plan: print and stop.
// Exit 0 done (or nothing to do), 1 on failure, 2 on misuse or a refused confirmation.
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline/promises";
import { argv, chalk } from "zx";
import { importDist, importPlanner } from "./flights.mjs";

async function main() {
  const { parseHomelab } = await importDist("homelab/load.js");
  const { renderPlan } = await importPlanner();
  const { KubeClient } = await importDist("kube/client.js");
  const { defaultDeployOptions } = await importDist("kube/deploy.js");
  const { progressReporter } = await importDist("kube/report.js");
  const { planTakeover } = await importDist("takeover/plan.js");
  const { executeTakeover, defaultPreviousManagers } = await importDist("takeover/execute.js");
  const { formatPlan } = await importDist("takeover/report.js");
  const { terraformCommands, terraformLines } = await importDist("takeover/terraform.js");

  const addresses = terraformAddresses(argv.terraform);
  const configPath = argv.config ?? "homelab.yaml";
  const flights = renderPlan(parseHomelab(await readFile(configPath, "utf8"), configPath).homelab);
  const client = await KubeClient.create({ kubeconfig: argv.kubeconfig, context: argv.context });
  const fieldManager = defaultDeployOptions.fieldManager;

  const plan = await planTakeover(client, flights, { fieldManager });
  formatPlan(plan).forEach((line) => console.log(line));
  const terraform = terraformCommands(terraformLines(plan, addresses));
  const nothing = !plan.objects.some((object) => object.action === "adopt") && plan.releases.length === 0 && plan.prune.length === 0;
  if (nothing || argv.plan) return;
  if (!(await confirmed())) {
    console.error("nothing changed");
    process.exitCode = 2;
    return;
  }

  const abort = new AbortController();
  process.once("SIGINT", () => {
    console.error(chalk.yellow("\ninterrupted: Helm's release records are deleted last, so a re-run of adopt converges"));
    abort.abort(new Error("interrupted"));
  });
  const deploy = { ...defaultDeployOptions, timeoutMs: argv.timeout ? Number(argv.timeout) * 1000 : defaultDeployOptions.timeoutMs, signal: abort.signal };
  const progress = progressReporter({ isTTY: Boolean(process.stdout.isTTY), write: (text) => process.stdout.write(text) });
  const report = (event) => (event.type === "takeover" ? console.log(`  ${event.step.padEnd(9)} ${event.what}`) : progress(event));
  const result = await executeTakeover(client, flights, plan, { deploy, previousManagers: defaultPreviousManagers }, report);
  console.log(`\n${chalk.bold("taken over")}: ${result.released.length} objects released by Helm/Terraform, ${result.pruned.length} pruned, ${result.retired.length} Helm releases retired`);
  if (terraform.length > 0) {
    console.log("\nNow make Terraform forget them (it would otherwise delete or re-create them on its next apply):");
    terraform.forEach((line) => console.log(`  ${line}`));
  }
}

/** --terraform NAME=ADDRESS, once or several times. */
function terraformAddresses(value) {
  const pairs = value === undefined ? [] : [value].flat();
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = String(pair).indexOf("=");
      if (at <= 0) usage(`--terraform ${pair}: expected NAME=ADDRESS, e.g. --terraform metallb=helm_release.metallb`);
      return [String(pair).slice(0, at), String(pair).slice(at + 1)];
    }),
  );
}

async function confirmed() {
  if (argv.yes) return true;
  if (!process.stdin.isTTY) usage("not a terminal: re-run with --yes to take over, or --plan to only print the plan");
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await prompt.question("\nTake over these objects? Helm's records are deleted once everything is ready. [y/N] ");
  prompt.close();
  return /^y(es)?$/i.test(answer.trim());
}

function usage(message) {
  console.error(chalk.red(message));
  process.exit(2);
}

main().catch((err) => {
  console.error(chalk.red(err.code === "ENOENT" ? `${err.path}: cannot read the declaration (ENOENT)` : err.message));
  process.exit(1);
});
