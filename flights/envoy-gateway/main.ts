import { runFlight } from "../../lib/flight/io.ts";
import { exit, hostIO } from "../../lib/flight/node-host.ts";
import { envoyGateway } from "./flight.ts";
exit(runFlight(envoyGateway, hostIO));
