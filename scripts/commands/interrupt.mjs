// Ctrl-C: every command exits 130 (128 + SIGINT, what a shell reports for a command the signal
// ended). Outside a clean-stop section it stops at once; inside one (a deploy: stop between
// requests, no release record half-written) the section's signal aborts and the command winds
// down, then exits 130. A second Ctrl-C stops at once. Stopping at once still gives the last
// tasks (a deploy's lock given back) a moment, so that nothing is left held for minutes.
export const interruptedExitCode = 130;

/** The most a stop at once waits for the last tasks. */
const lastTasksMs = 3000;

let controller;
let interrupted = false;
let stoppingAtOnce = false;
const lastTasks = new Set();

export function installInterruptHandler() {
  process.on("SIGINT", () => {
    if (stoppingAtOnce) process.exit(interruptedExitCode);
    if (interrupted || !controller) {
      stoppingAtOnce = true;
      process.stderr.write("\ninterrupted\n");
      const moment = new Promise((resolve) => setTimeout(resolve, lastTasksMs).unref());
      void Promise.race([Promise.allSettled([...lastTasks].map((task) => task())), moment]).then(() => process.exit(interruptedExitCode));
      return;
    }
    interrupted = true;
    controller.abort(new Error("interrupted"));
  });
}

/** A clean-stop section: its signal aborts on Ctrl-C; end() leaves it, resume() enters it again. */
export function cleanStop(message) {
  const section = new AbortController();
  section.signal.addEventListener("abort", () => process.stderr.write(`\n${message}\n`));
  controller = section;
  return {
    signal: section.signal,
    end: () => {
      if (controller === section) controller = undefined;
    },
    resume: () => {
      controller = section;
    },
  };
}

/**
 * A quick task (one request) that runs even when Ctrl-C stops the command at once, such as
 * giving back the deploy lock; returns the function that withdraws it.
 */
export function onStopAtOnce(task) {
  lastTasks.add(task);
  return () => lastTasks.delete(task);
}

export function wasInterrupted() {
  return interrupted;
}

/** A question waits on stdin, which no signal interrupts: Ctrl-C there stops at once. */
export async function outsideCleanStop(stop, question) {
  stop.end();
  try {
    return await question();
  } finally {
    stop.resume();
  }
}
