// Every flight hangar deploys. Deploy order comes from each flight's `needs`, not from here.
import type { Flight } from "../lib/flight.ts";
import { metallb } from "./metallb/flight.ts";
import { metallbPool } from "./metallb-pool/flight.ts";
import { ingressNginx } from "./ingress-nginx/flight.ts";

export const flights: readonly Flight<any>[] = [metallb, metallbPool, ingressNginx];
