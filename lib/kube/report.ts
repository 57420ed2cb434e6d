// Progress for people: one live status line on a terminal, plain lines otherwise, then a summary.
import { outcomes, type DeployEvent, type FlightSummary } from "./deploy.ts";

export interface Output {
  /** A terminal: one live status line for waits and unchanged objects. Otherwise one plain line per event. */
  isTTY: boolean;
  /** Colour: only when the caller decided so (a terminal, no NO_COLOR, no --no-color). Default: isTTY. */
  colour?: boolean;
  write(text: string): void;
}

const colours = { green: "\x1b[32m", yellow: "\x1b[33m", red: "\x1b[31m", dim: "\x1b[2m", reset: "\x1b[0m" };

export function progressReporter(output: Output): (event: DeployEvent) => void {
  const colour = output.colour ?? output.isTTY;
  const paint = (name: keyof typeof colours, text: string) => (colour ? `${colours[name]}${text}${colours.reset}` : text);
  let status = "";
  const waited = new Set<string>();
  const line = (text: string) => {
    if (output.isTTY && status) output.write("\r\x1b[2K");
    output.write(`${text}\n`);
    if (output.isTTY && status) output.write(status);
  };
  const setStatus = (text: string) => {
    if (!output.isTTY) return;
    status = paint("dim", text.slice(0, Math.max(20, (process.stdout.columns ?? 120) - 1)));
    output.write(`\r\x1b[2K${status}`);
  };
  return (event) => {
    switch (event.type) {
      case "flight":
        if (event.state === "start") line(`${event.flight}: deploying`);
        else line(`${event.flight}: ${paint("green", "ready")} in ${((event.ms ?? 0) / 1000).toFixed(1)}s`);
        break;
      case "stage":
        line(`${event.flight}: stage ${event.stage}/${event.stages} (${event.resources} resources)`);
        break;
      case "resource": {
        const shade = event.outcome === "unchanged" || event.outcome === "kept" ? "dim" : event.outcome === "pruned" || event.outcome === "would delete" ? "yellow" : "green";
        if (event.outcome === "unchanged" && output.isTTY) setStatus(`${event.flight}: ${event.resource} unchanged`);
        else line(`  ${paint(shade, event.outcome)} ${event.resource}`);
        break;
      }
      case "waiting":
        if (output.isTTY) setStatus(`${event.flight}: waiting for ${event.what}`);
        else if (!waited.has(`${event.flight} ${event.what}`)) {
          // Piped (CI logs, | tee): each wait once, as its own line.
          waited.add(`${event.flight} ${event.what}`);
          line(`${event.flight}: waiting for ${event.what}`);
        }
        break;
      case "diff":
        line(`  ${event.resource}\n${event.text.replace(/^ {2}([+-])/gm, (_, sign: string) => `  ${paint(sign === "+" ? "green" : "red", sign)}`)}`);
        break;
      case "url":
        line(`${event.flight}: entry point answers on ${paint("green", event.url)}`);
        break;
    }
  };
}

export function summaryLines(summaries: FlightSummary[]): string[] {
  return summaries.map(({ flight, counts, ms, newRevision }) => {
    const parts = outcomes.filter((k) => counts[k] > 0).map((k) => `${counts[k]} ${k}`);
    return `${flight.padEnd(14)} ${parts.join(", ") || "nothing to do"} in ${(ms / 1000).toFixed(1)}s${newRevision ? ", new revision recorded" : ""}`;
  });
}
