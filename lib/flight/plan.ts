// The deploy plan: which flights run, in what order, with what input, and what they render.
// The registry of flights is passed in (flights/index.ts), so lib never imports flights.
import type { Flight, Stages } from "./contract.ts";
import type { Homelab } from "../homelab/schema.ts";
import { order } from "./graph.ts";
import { noticeLines, stagesText } from "./io.ts";

/** A flight as the planner sees it: the flight and how its input derives from homelab.yaml. */
export interface RegisteredFlight {
  flight: Flight<any>;
  /** Undefined when homelab.yaml does not declare this add-on: it is then not deployed. */
  inputFrom(homelab: Homelab): unknown;
}

export interface FlightPlan {
  name: string;
  release: string;
  namespace: string;
  needs: string[];
  /** Flights whose deploy gives this one's addresses: see Flight.addressesFrom. */
  addressesFrom: string[];
  input: unknown;
}

export interface PlannedFlight extends FlightPlan {
  stages: Stages;
}

/** Every declared flight with its input, in dependency order. */
export function planFlights(homelab: Homelab, registry: readonly RegisteredFlight[]): FlightPlan[] {
  const declared = registry.flatMap(({ flight, inputFrom }) => {
    const input = inputFrom(homelab);
    if (input === undefined) return [];
    return [{ name: flight.name, release: flight.name, namespace: flight.namespace, needs: [...flight.needs], addressesFrom: [...(flight.addressesFrom ?? [])], input }];
  });
  return order(declared);
}

/**
 * Registered flights homelab.yaml does not declare (e.g. ingressNginx removed after a move to
 * the Gateway API): their releases, if any were deployed, are to be deleted, dependents first
 * (the Gateway before Envoy Gateway, whose controller cleans up what it made for the Gateway).
 */
export function undeclaredFlights(homelab: Homelab, registry: readonly RegisteredFlight[]): { name: string; release: string; namespace: string }[] {
  const undeclared = registry.filter(({ inputFrom }) => inputFrom(homelab) === undefined).map(({ flight }) => flight);
  const names = new Set(undeclared.map((flight) => flight.name));
  return order(undeclared.map((flight) => ({ flight, name: flight.name, needs: flight.needs.filter((need) => names.has(need)) })))
    .reverse()
    .map(({ flight }) => ({ name: flight.name, release: flight.name, namespace: flight.namespace }));
}

/** Renders one planned flight in process (the built flights print exactly this). */
export function renderFlight(plan: FlightPlan, registry: readonly RegisteredFlight[]): Stages {
  const flight = registered(plan, registry);
  return flight.render(flight.parse(plan.input), { name: plan.release, namespace: plan.namespace });
}

/** In process, the text the built flight prints for this plan, byte for byte, and its notices. */
export function renderFlightOutput(plan: FlightPlan, registry: readonly RegisteredFlight[]): { stdout: string; notices: string[] } {
  const flight = registered(plan, registry);
  return { stdout: stagesText(flight, flight.parse(plan.input), { name: plan.release, namespace: plan.namespace }), notices: noticeLines(flight) };
}

function registered(plan: FlightPlan, registry: readonly RegisteredFlight[]): Flight<any> {
  const entry = registry.find(({ flight }) => flight.name === plan.name);
  if (!entry) throw new Error(`no flight named ${plan.name}`);
  return entry.flight;
}

export function renderPlan(homelab: Homelab, registry: readonly RegisteredFlight[]): PlannedFlight[] {
  return planFlights(homelab, registry).map((plan) => ({ ...plan, stages: renderFlight(plan, registry) }));
}
