import { runFlight } from "../../lib/flight-io.ts";
import { exit, hostIO } from "../../lib/host-node.ts";
import { ingressNginx } from "./flight.ts";
exit(runFlight(ingressNginx, hostIO));
