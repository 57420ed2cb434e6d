import { runFlight } from "../../lib/flight/io.ts";
import { exit, hostIO } from "../../lib/flight/node-host.ts";
import { metallb } from "./flight.ts";
exit(runFlight(metallb, hostIO));
