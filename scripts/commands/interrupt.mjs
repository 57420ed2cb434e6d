// Ctrl-C: every command exits 130 (128 + SIGINT, what a shell reports for a command the signal
// ended). Outside a clean-stop section it stops at once; inside one (a deploy: stop between
// requests, no release record half-written) the section's signal aborts and the command winds
// down, then exits 130. A second Ctrl-C stops at once.
export const interruptedExitCode = 130;

let controller;
let interrupted = false;

export function installInterruptHandler() {
  process.on("SIGINT", () => {
    if (interrupted || !controller) {
      process.stderr.write("\ninterrupted\n");
      process.exit(interruptedExitCode);
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

export function wasInterrupted() {
  return interrupted;
}
