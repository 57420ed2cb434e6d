#!/usr/bin/env node
// hangar adopt: take over add-ons that Helm (or Terraform) installed. Prints the plan (objects
// adopted as they are, fields that change, objects created or pruned, pods that restart, Helm
// records to delete), asks for confirmation (a terminal) or needs --yes (otherwise), then
// deploys with hangar's field manager taking ownership, drops Helm's marks, and deletes Helm's
// release records last. Prints the `terraform state rm` lines Terraform needs afterwards.
// --terraform NAME=ADDRESS (repeatable): the address of a Helm release or object in your
// Terraform state, e.g. --terraform metallb=helm_release.metallb. --plan: print and stop.
// Exit 0 done (or nothing to do), 1 on failure, 2 on misuse or a refused confirmation.
import { renderPlan } from "../../lib/flight/plan.ts";
import { KubeClient } from "../../lib/kube/client.ts";
import { defaultDeployOptions } from "../../lib/kube/deploy.ts";
import { progressReporter } from "../../lib/cli/progress.ts";
import { planTakeover } from "../../lib/takeover/plan.ts";
import { executeTakeover, defaultPreviousManagers } from "../../lib/takeover/execute.ts";
import { formatPlan } from "../../lib/takeover/report.ts";
import { terraformCommands, terraformLines } from "../../lib/takeover/terraform.ts";
import { confirmDestruction } from "../../lib/cli/confirm.ts";
import { flights as registry } from "../../flights/index.ts";
import { loadDeclaration } from "./declaration.mjs";
import { paint, print, warn, write } from "./console.mjs";
import { cleanStop, outsideCleanStop } from "./interrupt.mjs";
import { takeDeployLock } from "./deploy-lock.mjs";

export async function run(options) {
  const addresses = options.terraform ?? {};
  const flights = renderPlan(loadDeclaration(options.config), registry);
  const client = await KubeClient.create({ kubeconfig: options.kubeconfig, context: options.context });
  const fieldManager = defaultDeployOptions.fieldManager;
  const stop = cleanStop("interrupted: Helm's release records are deleted last, so a re-run of adopt converges");
  // --plan writes nothing and takes no lock; a takeover holds the deploy lock from its plan to its
  // end, so no deploy writes between what the plan saw and what it changes.
  let held;
  try {
    if (!options.plan) held = await takeDeployLock(client, options, stop);
    await takeOver(client, flights, fieldManager, addresses, options, stop, held?.lock);
  } finally {
    stop.end();
    await held?.release();
  }
}

async function takeOver(client, flights, fieldManager, addresses, options, stop, lock) {
  // Planning only reads: Ctrl-C there stops at once (the lock is still given back).
  const plan = await outsideCleanStop(stop, () => planTakeover(client, flights, { fieldManager, previousManagers: defaultPreviousManagers }));
  formatPlan(plan).forEach((line) => print(line));
  const terraform = terraformCommands(terraformLines(plan, addresses));
  const nothing = !plan.objects.some((object) => object.action === "adopt") && plan.releases.length === 0 && plan.prune.length === 0;
  if (nothing || options.plan) return;
  const answer = await outsideCleanStop(stop, () =>
    confirmDestruction(
      { destroys: ["\nTake over these objects? Helm's release records are deleted once everything is ready."], typed: "yes", yes: options.yes === true },
      { input: process.stdin, write },
    ),
  );
  if (!answer.confirmed) {
    warn(`Not confirmed: ${answer.why} (or --plan to only print the plan); nothing changed.`);
    process.exitCode = 2;
    return;
  }

  const deploy = { ...defaultDeployOptions, timeoutMs: options.timeout, signal: AbortSignal.any([stop.signal, lock.lost]) };
  const progress = progressReporter({ isTTY: Boolean(process.stdout.isTTY), colour: options.colour === true, write });
  const report = (event) => (event.type === "takeover" ? print(`  ${event.step.padEnd(9)} ${event.what}`) : progress(event));
  const result = await executeTakeover(client, flights, plan, { deploy, previousManagers: defaultPreviousManagers }, report);
  print(`\n${paint.bold("taken over")}: ${result.released.length} objects released by Helm/Terraform, ${result.pruned.length} pruned, ${result.retired.length} Helm releases retired`);
  if (terraform.length > 0) {
    print("\nNow make Terraform forget them (it would otherwise delete or re-create them on its next apply):");
    terraform.forEach((line) => print(`  ${line}`));
  }
}
