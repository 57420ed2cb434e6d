#!/usr/bin/env node
// hangar deploy: every flight of homelab.yaml onto the cluster of the current kubeconfig, in
// dependency order, with readiness gates, a release record per flight, and pruning.
import { argv, chalk, fs } from "zx";
import { importDist } from "./flights.mjs";

async function main() {
  const { planFromFile } = await importDist("plan.js");
  const { KubeClient } = await importDist("kube/client.js");
  const { deployFlights, defaultDeployOptions } = await importDist("kube/deploy.js");
  const { progressReporter, summaryLines } = await importDist("kube/report.js");
  const config = argv.config ?? "homelab.yaml";
  if (!(await fs.pathExists(config))) throw new Error(`${config}: cannot read the declaration (ENOENT)`);
  const flights = await planFromFile(config);
  const abort = new AbortController();
  process.once("SIGINT", () => {
    console.error(chalk.yellow("\ninterrupted: stopping; nothing is half-recorded, a re-run converges"));
    abort.abort(new Error("interrupted"));
  });
  const client = await KubeClient.create({
    kubeconfig: argv.kubeconfig,
    context: argv.context,
    onRetry: (error, wait) => console.error(chalk.dim(`retrying in ${wait} ms: ${error.message}`)),
  });
  const options = {
    ...defaultDeployOptions,
    forceConflicts: Boolean(argv["force-conflicts"]),
    forceOwnership: Boolean(argv["force-ownership"]),
    dryRun: Boolean(argv["dry-run"]),
    diff: Boolean(argv.diff),
    removeCrds: Boolean(argv["remove-crds"]),
    removeNamespaces: Boolean(argv["remove-namespaces"]),
    timeoutMs: argv.timeout ? Number(argv.timeout) * 1000 : defaultDeployOptions.timeoutMs,
    signal: abort.signal,
  };
  const started = performance.now();
  const report = progressReporter({ isTTY: Boolean(process.stdout.isTTY), write: (text) => process.stdout.write(text) });
  const summaries = await deployFlights(client, flights, options, report);
  console.log(`\n${chalk.bold("summary")} (${((performance.now() - started) / 1000).toFixed(1)}s, ${client.requests} API requests)`);
  summaryLines(summaries).forEach((line) => console.log(`  ${line}`));
}

main().catch((err) => {
  console.error(chalk.red(err.message));
  process.exit(1);
});
