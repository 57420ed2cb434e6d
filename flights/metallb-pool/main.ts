import { runFlight } from "../../lib/flight/io.ts";
import { exit, hostIO } from "../../lib/flight/node-host.ts";
import { metallbPool } from "./flight.ts";
exit(runFlight(metallbPool, hostIO));
