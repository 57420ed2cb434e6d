import { runFlight } from "../../lib/flight-io.ts";
import { exit, hostIO } from "../../lib/host-node.ts";
import { metallb } from "./flight.ts";
exit(runFlight(metallb, hostIO));
