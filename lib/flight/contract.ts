// The flight contract: what a flight renders, in the format `yoke takeoff` accepts
// (a JSON array of stages, each stage an array of resources, applied in order).

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

/** One Kubernetes object as a flight emits it. */
export interface Resource {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export type Stage = Resource[];
export type Stages = Stage[];

/** Where a flight is deployed: yoke's release name and target namespace. */
export interface Release {
  name: string;
  namespace: string;
}

/** A flight: a pure render function plus what it needs deployed before it. */
export interface Flight<Input> {
  /** Default release name, also the key used in `needs`. */
  name: string;
  /** Namespace the flight deploys to when the caller names none. */
  namespace: string;
  /** Flights that must be deployed and ready before this one. */
  needs: readonly string[];
  /**
   * Flights that give this one's LoadBalancer Services and Gateways their addresses (the pool):
   * it deploys beside them, and only its wait for those addresses holds until they are deployed.
   */
  addressesFrom?: readonly string[];
  /** Validates raw JSON input and fills defaults; throws InputError on bad input. */
  parse(raw: unknown): Input;
  render(input: Input, release: Release): Stages;
  /** One-line notices printed on stderr on every render (never on stdout). */
  notices?: readonly string[];
  /**
   * render()'s stages already serialised as compact JSON, printed instead of indenting render()'s
   * objects: for output that is mostly embedded data kept as JSON text (megabytes of CRD schema),
   * which then is never parsed nor re-serialised. In pieces, written one after another, so that
   * the embedded text is not copied into one string first. Joined, they equal
   * JSON.stringify(render(...)).
   */
  renderJson?(input: Input, release: Release): string[];
}

/** Bad flight input: names the offending field so the message fits on one line. */
export class InputError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`input.${field}: ${problem}`);
    this.name = "InputError";
  }
}
