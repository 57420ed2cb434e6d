// Deploying the add-ons (shared by deploy, diff and up): the applier from dist/lib/kube with
// progress on stdout, Ctrl-C wired to a clean stop, a question before anything is pruned, and
// a summary at the end.
import { chalk } from "zx";
import { importDist } from "./flights.mjs";

/**
 * `options` are the parsed command line (camelCase); `kubeconfig`/`context` choose the cluster.
 * `retired`: the releases of add-ons homelab.yaml no longer declares, deleted after the deploy.
 */
export async function deployAddons(flights, options, retired = []) {
  const { KubeClient } = await importDist("kube/client.js");
  const { deployFlights, defaultDeployOptions, pendingPrunes, pendingRetirements, retireReleases } = await importDist("kube/deploy.js");
  const { progressReporter, summaryLines } = await importDist("kube/report.js");
  const { confirmDestruction } = await importDist("cli/confirm.js");
  const abort = new AbortController();
  const onInterrupt = () => {
    console.error(chalk.yellow("\ninterrupted: stopping now; no release record is half-written and a re-run converges"));
    abort.abort(new Error("interrupted"));
  };
  process.once("SIGINT", onInterrupt);
  const client = await KubeClient.create({
    kubeconfig: options.kubeconfig,
    context: options.context,
    onRetry: (error, wait) => console.error(chalk.dim(`retrying in ${wait} ms: ${error.message}`)),
  });
  const deployOptions = {
    ...defaultDeployOptions,
    forceConflicts: options.forceConflicts === true,
    forceOwnership: options.forceOwnership === true,
    dryRun: options.dryRun === true,
    diff: options.diff === true,
    removeCrds: options.removeCrds === true,
    removeNamespaces: options.removeNamespaces === true,
    timeoutMs: options.timeout ?? defaultDeployOptions.timeoutMs,
    signal: abort.signal,
  };
  try {
    if (!deployOptions.dryRun && !deployOptions.diff) {
      // Pruning and retiring delete objects: name them and ask before anything at all is written.
      const doomed = [...(await pendingPrunes(client, flights, deployOptions)), ...(await pendingRetirements(client, retired, deployOptions.signal))];
      if (doomed.length > 0) {
        const destroys = [`This deploy deletes ${doomed.length} object${doomed.length === 1 ? "" : "s"} the flights no longer render:`, ...doomed.map((id) => `  ${id}`)];
        const answer = await confirmDestruction({ destroys, typed: "yes", yes: options.yes === true }, { input: process.stdin, write: (text) => process.stdout.write(text) });
        if (!answer.confirmed) throw new Error(`Not confirmed: ${answer.why}; nothing was deployed or deleted.`);
      }
    }
    const started = performance.now();
    const report = progressReporter({ isTTY: Boolean(process.stdout.isTTY), colour: options.colour === true, write: (text) => process.stdout.write(text) });
    const summaries = await deployFlights(client, flights, deployOptions, report);
    // Add-ons removed from homelab.yaml go only once the declared ones are up.
    summaries.push(...(await retireReleases(client, retired, deployOptions, report)));
    console.log(`\n${chalk.bold("summary")} (${((performance.now() - started) / 1000).toFixed(1)}s, ${client.requests} API requests)`);
    summaryLines(summaries).forEach((line) => console.log(`  ${line}`));
    return summaries;
  } finally {
    process.removeListener("SIGINT", onInterrupt);
  }
}
