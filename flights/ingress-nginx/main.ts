import { runFlight } from "../../lib/flight/io.ts";
import { exit, hostIO } from "../../lib/flight/node-host.ts";
import { ingressNginx } from "./flight.ts";
exit(runFlight(ingressNginx, hostIO));
