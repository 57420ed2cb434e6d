// Progress for people: one live status line on a terminal, plain lines otherwise, then a summary.
import { noOutcomes, outcomes, type DeployEvent, type FlightSummary, type Outcome } from "../kube/deploy.ts";
import { palette } from "./colour.ts";

export interface Output {
  /** A terminal: one live status line for waits and unchanged objects. Otherwise one plain line per event. */
  isTTY: boolean;
  /** Colour: only when the caller decided so (a terminal, no NO_COLOR, no --no-color). Default: isTTY. */
  colour?: boolean;
  write(text: string): void;
}

export function progressReporter(output: Output): (event: DeployEvent) => void {
  const paint = palette(output.colour ?? output.isTTY);
  let status = "";
  const waited = new Set<string>();
  const line = (text: string) => {
    if (output.isTTY && status) output.write("\r\x1b[2K");
    output.write(`${text}\n`);
    if (output.isTTY && status) output.write(status);
  };
  const setStatus = (text: string) => {
    if (!output.isTTY) return;
    status = paint.dim(text.slice(0, Math.max(20, (process.stdout.columns ?? 120) - 1)));
    output.write(`\r\x1b[2K${status}`);
  };
  return (event) => {
    switch (event.type) {
      case "flight":
        if (event.state === "start") line(`${event.flight}: deploying`);
        else line(`${event.flight}: ${paint.green("ready")} in ${(event.ms / 1000).toFixed(1)}s`);
        break;
      case "stage":
        line(`${event.flight}: stage ${event.stage}/${event.stages} (${count(event.resources, "resource")})`);
        break;
      case "resource": {
        const shade = event.outcome === "unchanged" || event.outcome === "kept" ? "dim" : ["pruned", "would delete", "unanswered"].includes(event.outcome) ? "yellow" : "green";
        if (event.outcome === "unchanged" && output.isTTY) setStatus(`${event.flight}: ${event.resource} unchanged`);
        // With --diff, each object once: its outcome, then what would change in it.
        else line(`  ${paint[shade](event.outcome)} ${event.resource}${event.diff ? `\n${event.diff.replace(/^ {2}([+-])/gm, (_, sign: string) => `    ${(sign === "+" ? paint.green : paint.red)(sign)}`)}` : ""}`);
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
      case "address":
        line(`${event.flight}: entry point address ${paint.green(event.address)} assigned to ${event.holder}; \`hangar doctor\` checks that it answers on the LAN`);
        break;
    }
  };
}

/** `1 resource`, `2 resources`. */
export function count(amount: number, noun: string): string {
  return `${amount} ${noun}${amount === 1 ? "" : "s"}`;
}

/**
 * What the server confirmed, from the events as they came: for a run that stopped before its
 * end (Ctrl-C, the deadline, an error), when the flights' own summaries never arrive.
 */
export class Tally {
  private readonly flights = new Map<string, { started: number; ms?: number; newRevision: boolean; counts: Record<Outcome, number>; objects: [Outcome, string][] }>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  readonly observe = (event: DeployEvent): void => {
    if (event.type === "flight" && event.state === "start") {
      this.flights.set(event.flight, { started: this.now(), newRevision: false, counts: noOutcomes(), objects: [] });
    }
    const flight = this.flights.get(event.flight);
    if (!flight) return;
    if (event.type === "flight" && event.state === "done") Object.assign(flight, { ms: event.ms, newRevision: event.newRevision });
    if (event.type === "resource") {
      flight.counts[event.outcome] += 1;
      if (changes.has(event.outcome)) flight.objects.push([event.outcome, event.resource]);
    }
  };

  summaries(): FlightSummary[] {
    return [...this.flights].map(([flight, { started, ms, newRevision, counts }]) => ({ flight, counts, ms: ms ?? this.now() - started, newRevision }));
  }

  /** Every change the server confirmed, and every write left unanswered, one line each. */
  confirmed(): string[] {
    return [...this.flights].flatMap(([flight, { objects }]) => objects.map(([outcome, resource]) => `${flight}: ${outcome} ${resource}`));
  }
}

/** Outcomes that changed the cluster (or may have). */
const changes = new Set<Outcome>(["created", "configured", "pruned", "unanswered"]);

export function summaryLines(summaries: FlightSummary[]): string[] {
  return summaries.map(({ flight, counts, ms, newRevision }) => {
    const parts = outcomes.filter((k) => counts[k] > 0).map((k) => `${counts[k]} ${k}`);
    return `${flight.padEnd(14)} ${parts.join(", ") || "nothing to do"} in ${(ms / 1000).toFixed(1)}s${newRevision ? ", new revision recorded" : ""}`;
  });
}
