// A fake cluster plus a client for it, and the example's planned flights.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeApiServer, type FakeApiServerOptions, type FakeApiServer } from "../doubles/fake-apiserver/index.ts";
import { KubeClient } from "../../lib/kube/client.ts";
import { defaultDeployOptions, deployFlights, type DeployEvent, type DeployOptions } from "../../lib/kube/deploy.ts";
import { renderPlan, type PlannedFlight } from "../../lib/flight/plan.ts";
import { flights } from "../../flights/index.ts";
import { parseHomelab } from "../../lib/homelab/load.ts";
import { exampleText } from "./example.ts";

export const fastRetry = { attempts: 8, baseMs: 5, maxMs: 50 };

export async function fakeCluster(options: FakeApiServerOptions = {}): Promise<{ server: FakeApiServer; client: KubeClient; kubeconfig: string }> {
  const server = await startFakeApiServer(options);
  const dir = mkdtempSync(join(tmpdir(), "hangar-kube-"));
  const kubeconfig = server.writeKubeconfig(dir);
  const close = server.close;
  server.close = async () => {
    await close();
    rmSync(dir, { recursive: true, force: true });
  };
  const client = await KubeClient.create({ kubeconfig, retry: fastRetry });
  return { server, client, kubeconfig };
}

export function examplePlan(): PlannedFlight[] {
  return renderPlan(parseHomelab(exampleText, "homelab.yaml").homelab, flights);
}

export async function deploy(client: KubeClient, flights: PlannedFlight[], options: Partial<DeployOptions> = {}) {
  const events: DeployEvent[] = [];
  const summaries = await deployFlights(client, flights, { ...defaultDeployOptions, timeoutMs: 20_000, ...options }, (event) => events.push(event));
  return { events, summaries };
}
