// The deploy plan: which flights run, in what order, with what input, and what they render.
import { readFile } from "node:fs/promises";
import type { Flight, Stages } from "./flight.ts";
import type { Homelab } from "./homelab/schema.ts";
import { parseHomelab } from "./homelab/load.ts";
import { flightInputs } from "./flight-inputs.ts";
import { order } from "./flight-graph.ts";
import { flights as registry } from "../flights/index.ts";

export interface FlightPlan {
  name: string;
  release: string;
  namespace: string;
  needs: string[];
  input: unknown;
}

export interface PlannedFlight extends FlightPlan {
  stages: Stages;
}

/** Every flight with its input, in dependency order. */
export function planFlights(homelab: Homelab, flights: readonly Flight<any>[] = registry): FlightPlan[] {
  const inputs = flightInputs(homelab) as unknown as Record<string, unknown>;
  return order(
    flights.map((flight) => ({
      name: flight.name,
      release: flight.name,
      namespace: flight.namespace,
      needs: [...flight.needs],
      input: inputs[flight.name] ?? {},
    })),
  );
}

/** Renders one planned flight in process (the built flights print exactly this). */
export function renderFlight(plan: FlightPlan, flights: readonly Flight<any>[] = registry): Stages {
  const flight = flights.find((candidate) => candidate.name === plan.name);
  if (!flight) throw new Error(`no flight named ${plan.name}`);
  return flight.render(flight.parse(plan.input), { name: plan.release, namespace: plan.namespace });
}

export function renderPlan(homelab: Homelab): PlannedFlight[] {
  return planFlights(homelab).map((plan) => ({ ...plan, stages: renderFlight(plan) }));
}

/** Reads and checks a declaration file and renders every flight; throws HomelabError on bad input. */
export async function planFromFile(path: string): Promise<PlannedFlight[]> {
  const { homelab } = parseHomelab(await readFile(path, "utf8"), path);
  return renderPlan(homelab);
}
