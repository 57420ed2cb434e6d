#!/usr/bin/env node
// hangar adopt: take over add-ons that Helm (or Terraform) installed. Prints the plan (objects
// adopted as they are, fields that change, objects created or pruned, pods that restart, Helm
// records to delete), asks for confirmation (a terminal) or needs --yes (otherwise), then
// deploys with hangar's field manager taking ownership, drops Helm's marks, and deletes Helm's
// release records last. Prints the `terraform state rm` lines Terraform needs afterwards.
// --terraform NAME=ADDRESS (repeatable): the address of a Helm release or object in your
// Terraform state, e.g. --terraform metallb=helm_release.metallb. --plan: print and stop.
// Exit 0 done (or nothing to do), 1 on failure, 2 on misuse or a refused confirmation.
import { chalk } from "zx";
import { importDist, importPlanner } from "./flights.mjs";
import { commandLine } from "./cli.mjs";
import { loadDeclaration } from "./talos.mjs";

const options = await commandLine("adopt");

async function main() {
  const { renderPlan } = await importPlanner();
  const { KubeClient } = await importDist("kube/client.js");
  const { defaultDeployOptions } = await importDist("kube/deploy.js");
  const { progressReporter } = await importDist("kube/report.js");
  const { planTakeover } = await importDist("takeover/plan.js");
  const { executeTakeover, defaultPreviousManagers } = await importDist("takeover/execute.js");
  const { formatPlan } = await importDist("takeover/report.js");
  const { terraformCommands, terraformLines } = await importDist("takeover/terraform.js");

  const { confirmDestruction } = await importDist("cli/confirm.js");
  const addresses = options.terraform ?? {};
  const flights = renderPlan(await loadDeclaration(options.config));
  const client = await KubeClient.create({ kubeconfig: options.kubeconfig, context: options.context });
  const fieldManager = defaultDeployOptions.fieldManager;

  const plan = await planTakeover(client, flights, { fieldManager, previousManagers: defaultPreviousManagers });
  formatPlan(plan).forEach((line) => console.log(line));
  const terraform = terraformCommands(terraformLines(plan, addresses));
  const nothing = !plan.objects.some((object) => object.action === "adopt") && plan.releases.length === 0 && plan.prune.length === 0;
  if (nothing || options.plan) return;
  const answer = await confirmDestruction(
    { destroys: ["\nTake over these objects? Helm's release records are deleted once everything is ready."], typed: "yes", yes: options.yes === true },
    { input: process.stdin, write: (text) => process.stdout.write(text) },
  );
  if (!answer.confirmed) {
    console.error(`Not confirmed: ${answer.why} (or --plan to only print the plan); nothing changed.`);
    process.exitCode = 2;
    return;
  }

  const abort = new AbortController();
  process.once("SIGINT", () => {
    console.error(chalk.yellow("\ninterrupted: Helm's release records are deleted last, so a re-run of adopt converges"));
    abort.abort(new Error("interrupted"));
  });
  const deploy = { ...defaultDeployOptions, timeoutMs: options.timeout, signal: abort.signal };
  const progress = progressReporter({ isTTY: Boolean(process.stdout.isTTY), write: (text) => process.stdout.write(text) });
  const report = (event) => (event.type === "takeover" ? console.log(`  ${event.step.padEnd(9)} ${event.what}`) : progress(event));
  const result = await executeTakeover(client, flights, plan, { deploy, previousManagers: defaultPreviousManagers }, report);
  console.log(`\n${chalk.bold("taken over")}: ${result.released.length} objects released by Helm/Terraform, ${result.pruned.length} pruned, ${result.retired.length} Helm releases retired`);
  if (terraform.length > 0) {
    console.log("\nNow make Terraform forget them (it would otherwise delete or re-create them on its next apply):");
    terraform.forEach((line) => console.log(`  ${line}`));
  }
}

main().catch((err) => {
  console.error(chalk.red(err.message));
  process.exit(1);
});
