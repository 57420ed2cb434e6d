// Deploying the add-ons (shared by deploy, diff and up): the applier from lib/kube with progress
// on stdout, the cluster's deploy lock held while it writes, one deadline for the whole run
// (--timeout), Ctrl-C wired to a clean stop that still hears the answers to writes already sent,
// a question before anything is pruned, and a summary at the end (also of a run that stopped).
import { KubeClient } from "../../lib/kube/client.ts";
import { deployFlights, defaultDeployOptions, pendingPrunes, pendingRetirements, retireReleases } from "../../lib/kube/deploy.ts";
import { progressReporter, summaryLines, Tally } from "../../lib/cli/progress.ts";
import { shortDuration } from "../../lib/kube/deadline.ts";
import { confirmDestruction } from "../../lib/cli/confirm.ts";
import { paint, print, warn, write } from "./console.mjs";
import { cleanStop, outsideCleanStop } from "./interrupt.mjs";
import { takeDeployLock } from "./deploy-lock.mjs";

/** After Ctrl-C, how long writes already sent may take to answer before they are cancelled. */
const graceMs = 5000;

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
  const ask = { input: process.stdin, write };
  // Ctrl-C: nothing new starts, and writes already sent get their answer (for the summary) until
  // the grace runs out; a second Ctrl-C stops at once.
  const stop = cleanStop(
    `interrupted: nothing new starts; writes already sent get ${shortDuration(graceMs)} to answer (Ctrl-C again to stop at once); no release record is half-written and a re-run converges`,
  );
  const cancel = new AbortController();
  let grace;
  stop.signal.addEventListener("abort", () => (grace = setTimeout(() => cancel.abort(stop.signal.reason), graceMs)), { once: true });
  const timeoutMs = options.timeout ?? defaultDeployOptions.timeoutMs;
  const writes = options.dryRun !== true && options.diff !== true;
  const started = performance.now();
  const tally = new Tally();
  let held;
  try {
    // A dry run and a diff write nothing: they take no lock.
    if (writes) held = await takeDeployLock(client, options, stop);
    const signals = (own) => (held ? AbortSignal.any([own, held.lock.lost]) : own);
    const deployOptions = (deadlineAt) => ({
      ...defaultDeployOptions,
      forceConflicts: options.forceConflicts === true,
      forceOwnership: options.forceOwnership === true,
      dryRun: options.dryRun === true,
      diff: options.diff === true,
      removeCrds: options.removeCrds === true,
      removeNamespaces: options.removeNamespaces === true,
      timeoutMs,
      deadlineAt,
      signal: signals(stop.signal),
      abortSignal: signals(cancel.signal),
    });
    if (writes) {
      // Pruning and retiring delete objects: name them and ask before anything at all is written.
      const asking = deployOptions(performance.now() + timeoutMs);
      const doomed = [...(await pendingPrunes(client, flights, asking)), ...(await pendingRetirements(client, retired, asking))];
      if (doomed.length > 0) {
        const destroys = [`This deploy deletes ${doomed.length} object${doomed.length === 1 ? "" : "s"} the flights no longer render:`, ...doomed.map((id) => `  ${id}`)];
        const answer = await outsideCleanStop(stop, () => confirmDestruction({ destroys, typed: "yes", yes: options.yes === true }, ask));
        if (!answer.confirmed) throw new Error(`Not confirmed: ${answer.why}; nothing was deployed or deleted.`);
      }
    }
    // The deadline counts from here: waiting for the lock or for an answer is not the deploy's time.
    const run = deployOptions(performance.now() + timeoutMs);
    const progress = progressReporter({ isTTY: Boolean(process.stdout.isTTY), colour: options.colour === true, write });
    const report = (event) => {
      tally.observe(event);
      progress(event);
    };
    const summaries = await deployFlights(client, flights, run, report);
    // Add-ons removed from homelab.yaml go only once the declared ones are up.
    summaries.push(...(await retireReleases(client, retired, run, report)));
    print(`\n${paint.bold("summary")} (${((performance.now() - started) / 1000).toFixed(1)}s, ${client.requests} API requests)`);
    summaryLines(summaries).forEach((line) => print(`  ${line}`));
    return summaries;
  } catch (error) {
    printStopped();
    throw error;
  } finally {
    clearTimeout(grace);
    stop.end();
    await held?.release();
  }

  /** What the server confirmed before the run stopped, object by object: nothing it did is hidden. */
  function printStopped() {
    const summaries = tally.summaries();
    if (summaries.length === 0) return;
    print(`\n${paint.bold("summary")} of the stopped run (${((performance.now() - started) / 1000).toFixed(1)}s, ${client.requests} API requests; an unfinished flight records no release)`);
    summaryLines(summaries).forEach((line) => print(`  ${line}`));
    const confirmed = tally.confirmed();
    print(confirmed.length > 0 ? "  what the server confirmed before the run stopped:" : "  the server confirmed no change before the run stopped");
    confirmed.forEach((line) => print(`    ${line}`));
    if (confirmed.some((line) => line.includes(": unanswered "))) print("  (unanswered: sent before the run stopped, never answered; the server may have applied it)");
  }
}
