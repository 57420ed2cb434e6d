// Deploying the add-ons (shared by deploy, diff and up): the applier from lib/kube with progress
// on stdout, Ctrl-C wired to a clean stop, a question before anything is pruned, and a summary
// at the end.
import { KubeClient } from "../../lib/kube/client.ts";
import { deployFlights, defaultDeployOptions, pendingPrunes, pendingRetirements, retireReleases } from "../../lib/kube/deploy.ts";
import { progressReporter, summaryLines } from "../../lib/kube/report.ts";
import { confirmDestruction } from "../../lib/cli/confirm.ts";
import { paint, print, warn, write } from "./console.mjs";
import { cleanStop } from "./interrupt.mjs";

/**
 * `options` are the parsed command line (camelCase); `kubeconfig`/`context` choose the cluster.
 * `retired`: the releases of add-ons homelab.yaml no longer declares, deleted after the deploy.
 */
export async function deployAddons(flights, options, retired = []) {
  const client = await KubeClient.create({
    kubeconfig: options.kubeconfig,
    context: options.context,
    onRetry: (error, wait) => warn(paint.dim(`retrying in ${wait} ms: ${error.message}`)),
  });
  const stop = cleanStop("interrupted: stopping now; no release record is half-written and a re-run converges");
  const deployOptions = {
    ...defaultDeployOptions,
    forceConflicts: options.forceConflicts === true,
    forceOwnership: options.forceOwnership === true,
    dryRun: options.dryRun === true,
    diff: options.diff === true,
    removeCrds: options.removeCrds === true,
    removeNamespaces: options.removeNamespaces === true,
    timeoutMs: options.timeout ?? defaultDeployOptions.timeoutMs,
    signal: stop.signal,
  };
  try {
    if (!deployOptions.dryRun && !deployOptions.diff) {
      // Pruning and retiring delete objects: name them and ask before anything at all is written.
      const doomed = [...(await pendingPrunes(client, flights, deployOptions)), ...(await pendingRetirements(client, retired, deployOptions.signal))];
      if (doomed.length > 0) {
        const destroys = [`This deploy deletes ${doomed.length} object${doomed.length === 1 ? "" : "s"} the flights no longer render:`, ...doomed.map((id) => `  ${id}`)];
        // The question waits on stdin, which no signal interrupts: Ctrl-C there stops at once.
        stop.end();
        const answer = await confirmDestruction({ destroys, typed: "yes", yes: options.yes === true }, { input: process.stdin, write });
        if (!answer.confirmed) throw new Error(`Not confirmed: ${answer.why}; nothing was deployed or deleted.`);
        stop.resume();
      }
    }
    const started = performance.now();
    const report = progressReporter({ isTTY: Boolean(process.stdout.isTTY), colour: options.colour === true, write });
    const summaries = await deployFlights(client, flights, deployOptions, report);
    // Add-ons removed from homelab.yaml go only once the declared ones are up.
    summaries.push(...(await retireReleases(client, retired, deployOptions, report)));
    print(`\n${paint.bold("summary")} (${((performance.now() - started) / 1000).toFixed(1)}s, ${client.requests} API requests)`);
    summaryLines(summaries).forEach((line) => print(`  ${line}`));
    return summaries;
  } finally {
    stop.end();
  }
}
