// Every flight hangar deploys, with how its input comes from homelab.yaml. Deploy order comes
// from each flight's `needs`, not from this list.
import type { RegisteredFlight } from "../lib/flight/plan.ts";
import { metallb } from "./metallb/flight.ts";
import { metallbInputFrom } from "./metallb/from-homelab.ts";
import { metallbPool } from "./metallb-pool/flight.ts";
import { metallbPoolInputFrom } from "./metallb-pool/from-homelab.ts";
import { ingressNginx } from "./ingress-nginx/flight.ts";
import { ingressNginxInputFrom } from "./ingress-nginx/from-homelab.ts";
import { envoyGateway } from "./envoy-gateway/flight.ts";
import { envoyGatewayInputFrom } from "./envoy-gateway/from-homelab.ts";
import { gateway } from "./gateway/flight.ts";
import { gatewayInputFrom } from "./gateway/from-homelab.ts";

export const flights: readonly RegisteredFlight[] = [
  { flight: metallb, inputFrom: metallbInputFrom },
  { flight: metallbPool, inputFrom: metallbPoolInputFrom },
  { flight: ingressNginx, inputFrom: ingressNginxInputFrom },
  { flight: envoyGateway, inputFrom: envoyGatewayInputFrom },
  { flight: gateway, inputFrom: gatewayInputFrom },
];
