// What a deploy is told and what it tells: its options, its progress events and summaries, its
// errors, and the context its flights share.
import type { Discovery } from "./discovery.ts";
import type { plannedSchemas } from "./crd-validate.ts";

export interface DeployOptions {
  fieldManager: string;
  forceConflicts: boolean;
  forceOwnership: boolean;
  /** Server dry run only: nothing is written. */
  dryRun: boolean;
  /** Print what would change (server dry run against live) and write nothing. */
  diff: boolean;
  removeCrds: boolean;
  removeNamespaces: boolean;
  /** How long the whole run may take (--timeout): every wait, retry and request ends by then. */
  timeoutMs: number;
  /** When the run must end (a performance.now() time), for calls that share one deadline; default: timeoutMs from the call. */
  deadlineAt?: number;
  /** Stop (Ctrl-C): nothing new is started and every wait ends, but writes already sent still get their answer. */
  signal?: AbortSignal;
  /** Cancel the writes still in flight too (a second Ctrl-C, or the grace after the first). Default: `signal`. */
  abortSignal?: AbortSignal;
}

export const defaultDeployOptions: DeployOptions = {
  fieldManager: "yoke",
  forceConflicts: false,
  forceOwnership: false,
  dryRun: false,
  diff: false,
  removeCrds: false,
  removeNamespaces: false,
  timeoutMs: 15 * 60_000,
};

/** `unanswered`: a write sent before the run was stopped whose answer never came; the server may have applied it. */
export type Outcome = "created" | "configured" | "unchanged" | "pruned" | "kept" | "would create" | "would change" | "would delete" | "unanswered";

export const outcomes: readonly Outcome[] = ["created", "configured", "would create", "would change", "would delete", "unchanged", "pruned", "kept", "unanswered"];

/** Every outcome counted zero times: where a flight's counts start. */
export function noOutcomes(): Record<Outcome, number> {
  return Object.fromEntries(outcomes.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
}

export type DeployEvent =
  | { type: "flight"; flight: string; state: "start" }
  | { type: "flight"; flight: string; state: "done"; ms: number; newRevision: boolean }
  | { type: "stage"; flight: string; stage: number; stages: number; resources: number }
  /** `diff`: with --diff, what would change in the object, one `+`/`-` line per field. */
  | { type: "resource"; flight: string; resource: string; outcome: Outcome; diff?: string }
  | { type: "waiting"; flight: string; what: string }
  /** A LoadBalancer Service or Gateway holds its address (whether it answers there is hangar doctor's question). */
  | { type: "address"; flight: string; address: string; holder: string };

export interface FlightSummary {
  flight: string;
  counts: Record<Outcome, number>;
  ms: number;
  newRevision: boolean;
}

export class DeployError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DeployError";
  }
}

export type Report = (event: DeployEvent) => void;

/** What the flights of one deploy share: discovery, the run's signals, and in a dry run what would exist by now. */
export interface Shared {
  discovery: Discovery;
  /** Namespaces a dry run would have created: the server cannot dry-run objects inside them. */
  pendingNamespaces: Set<string>;
  /** Schemas of the CRDs the plan installs, to check objects the server cannot check yet. */
  schemas: ReturnType<typeof plannedSchemas>;
  /** Kinds the plan's CRDs define (any flight's), and whether they are namespaced. */
  scopes: Map<string, boolean>;
  /** Ends reads, waits and backoff: Ctrl-C, or the deadline. */
  stop: AbortSignal;
  /** Ends writes in flight: the hard stop, or the deadline. */
  cancel: AbortSignal;
}
