// The cluster's deploy lock for the commands that write add-ons (deploy, up, adopt): taken before
// anything is written, waited for with --wait-for-lock, broken with --break-lock (asks first).
import { DeployLock, LockHeld, deployIdentity, describeHolder } from "../../lib/kube/lock.ts";
import { shortDuration } from "../../lib/kube/deadline.ts";
import { confirmDestruction } from "../../lib/cli/confirm.ts";
import { print, write } from "./console.mjs";
import { onStopAtOnce, outsideCleanStop } from "./interrupt.mjs";

/**
 * Takes the lock for the run `stop` (a clean-stop section) guards; it is given back even when
 * Ctrl-C stops the command at once. Returns the lock and the function that gives it back.
 */
export async function takeDeployLock(client, options, stop) {
  const identity = deployIdentity();
  let waitingSince;
  let lastLine = 0;
  let lastHolder;
  const onWait = (holder) => {
    const now = performance.now();
    waitingSince ??= now;
    // Each renewal of the holder's lease brings news; a line at most every 30 s, or when the holder changes.
    if (holder.identity === lastHolder && now - lastLine < 30_000) return;
    const waited = now - waitingSince > 1000 ? ` (waiting ${shortDuration(now - waitingSince)})` : "";
    print(`waiting for the deploy lock, held by ${describeHolder(holder, new Date())}${waited}`);
    lastLine = now;
    lastHolder = holder.identity;
  };
  const acquire = (force) => DeployLock.acquire(client, { identity, wait: options.waitForLock === true, force, signal: stop.signal, onWait });
  let lock;
  try {
    lock = await acquire(false);
  } catch (error) {
    if (!(error instanceof LockHeld) || options.breakLock !== true) throw error;
    const destroys = [`The deploy lock is held by ${describeHolder(error.holder, new Date())}.`, "Breaking it lets this deploy write even if that one still runs (it stops at its next renewal)."];
    const answer = await outsideCleanStop(stop, () => confirmDestruction({ destroys, typed: "yes", yes: options.yes === true }, { input: process.stdin, write }));
    if (!answer.confirmed) throw new Error(`Not confirmed: ${answer.why}; the lock stays with ${error.holder.identity} and nothing was deployed.`);
    lock = await acquire(true);
  }
  if (lock.replaced) print(`took the deploy lock from ${describeHolder(lock.replaced, new Date())}`);
  // Stopped at once (Ctrl-C at a question, or twice), the lock is still given back.
  const withdraw = onStopAtOnce(() => lock.release());
  return {
    lock,
    release: async () => {
      withdraw();
      await lock.release();
    },
  };
}
