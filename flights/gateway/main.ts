import { runFlight } from "../../lib/flight/io.ts";
import { exit, hostIO } from "../../lib/flight/node-host.ts";
import { gateway } from "./flight.ts";
exit(runFlight(gateway, hostIO));
