// A real API server whose controllers and admission webhooks the test plays: what helm, helmfile
// and hangar install on it rolls out, completes, gets its LoadBalancer address, and passes
// MetalLB's webhook once the controller is ready, as on a cluster (play-controllers.ts,
// played-webhooks.ts). The controllers play along from the start, or only when the test says
// (one step at a time, to hold a gate shut and then open it). One per test file; close() stops all.
import { KubeClient } from "../../lib/kube/client.ts";
import { fastRetry } from "./cluster.ts";
import { ControllerPlayer } from "./play-controllers.ts";
import { PlayedWebhooks } from "./played-webhooks.ts";
import { startRealApiServer, type RealApiServer } from "./real-apiserver.ts";

export interface PlayedCluster {
  server: RealApiServer;
  /** The test's client (its requests are in the audit log). */
  client: KubeClient;
  webhooks: PlayedWebhooks;
  /** Controller steps played by hand (rollOut, completeJob, injectCa, ...), for tests that hold gates shut. */
  steps: ControllerPlayer;
  /** Starts the played controllers, unless they run. */
  startControllers(): Promise<void>;
  stopControllers(): Promise<void>;
  close(): Promise<void>;
}

export interface PlayedClusterOptions {
  /** Play the controllers from the start (default true); otherwise only steps, until startControllers(). */
  controllers?: boolean;
}

export async function playedCluster(options: PlayedClusterOptions = {}): Promise<PlayedCluster> {
  const webhooks = new PlayedWebhooks();
  const server = await startRealApiServer({ clusterNetwork: webhooks.serve }).catch((error: unknown) => {
    webhooks.close();
    throw error;
  });
  const client = await KubeClient.create({ kubeconfig: server.kubeconfig, retry: fastRetry });
  const player = async () => new ControllerPlayer(await KubeClient.create({ kubeconfig: server.controllersKubeconfig, retry: fastRetry }), { caBundle: webhooks.caBundle });
  const steps = await player();
  let running: ControllerPlayer | undefined;
  const startControllers = async () => {
    running ??= (await player()).start();
  };
  const stopControllers = async () => {
    await running?.stop();
    running = undefined;
  };
  if (options.controllers !== false) await startControllers();
  const close = async () => {
    await stopControllers();
    await steps.stop();
    await server.close();
    webhooks.close();
  };
  return { server, client, webhooks, steps, startControllers, stopControllers, close };
}
