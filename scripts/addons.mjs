// Deploying the add-ons (shared by deploy.mjs and up.mjs): the applier from dist/lib/kube with
// progress on stdout, Ctrl-C wired to a clean stop, and a summary at the end.
import { chalk } from "zx";
import { importDist } from "./flights.mjs";

export async function deployAddons(flights, { kubeconfig, context, flags = {}, retired = [] }) {
  const { KubeClient } = await importDist("kube/client.js");
  const { deployFlights, defaultDeployOptions, retireReleases } = await importDist("kube/deploy.js");
  const { progressReporter, summaryLines } = await importDist("kube/report.js");
  const abort = new AbortController();
  const onInterrupt = () => {
    console.error(chalk.yellow("\ninterrupted: stopping now; no release record is half-written and a re-run converges"));
    abort.abort(new Error("interrupted"));
  };
  process.once("SIGINT", onInterrupt);
  const client = await KubeClient.create({
    kubeconfig,
    context,
    onRetry: (error, wait) => console.error(chalk.dim(`retrying in ${wait} ms: ${error.message}`)),
  });
  const options = {
    ...defaultDeployOptions,
    forceConflicts: Boolean(flags["force-conflicts"]),
    forceOwnership: Boolean(flags["force-ownership"]),
    dryRun: Boolean(flags["dry-run"]),
    diff: Boolean(flags.diff),
    removeCrds: Boolean(flags["remove-crds"]),
    removeNamespaces: Boolean(flags["remove-namespaces"]),
    timeoutMs: flags.timeout ? Number(flags.timeout) * 1000 : defaultDeployOptions.timeoutMs,
    signal: abort.signal,
  };
  const started = performance.now();
  const report = progressReporter({ isTTY: Boolean(process.stdout.isTTY), write: (text) => process.stdout.write(text) });
  try {
    const summaries = await deployFlights(client, flights, options, report);
    // Add-ons removed from homelab.yaml go only once the declared ones are up.
    summaries.push(...(await retireReleases(client, retired, options, report)));
    console.log(`\n${chalk.bold("summary")} (${((performance.now() - started) / 1000).toFixed(1)}s, ${client.requests} API requests)`);
    summaryLines(summaries).forEach((line) => console.log(`  ${line}`));
    return summaries;
  } finally {
    process.removeListener("SIGINT", onInterrupt);
  }
}
