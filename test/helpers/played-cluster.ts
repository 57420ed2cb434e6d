// A real API server whose controllers and admission webhooks the test plays: what helm, helmfile
// and hangar install on it rolls out, completes, gets its LoadBalancer address, and passes
// MetalLB's webhook once the controller is ready, as on a cluster (play-controllers.ts,
// played-webhooks.ts). One per test file; close() stops all three.
import { KubeClient } from "../../lib/kube/client.ts";
import { fastRetry } from "./cluster.ts";
import { ControllerPlayer } from "./play-controllers.ts";
import { PlayedWebhooks } from "./played-webhooks.ts";
import { startRealApiServer, type RealApiServer } from "./real-apiserver.ts";

export interface PlayedCluster {
  server: RealApiServer;
  /** The test's client (its requests are in the audit log). */
  client: KubeClient;
  player: ControllerPlayer;
  webhooks: PlayedWebhooks;
  close(): Promise<void>;
}

export async function playedCluster(): Promise<PlayedCluster> {
  const webhooks = new PlayedWebhooks();
  const server = await startRealApiServer({ clusterNetwork: webhooks.serve }).catch((error: unknown) => {
    webhooks.close();
    throw error;
  });
  const player = new ControllerPlayer(await KubeClient.create({ kubeconfig: server.controllersKubeconfig, retry: fastRetry }), { caBundle: webhooks.caBundle }).start();
  const client = await KubeClient.create({ kubeconfig: server.kubeconfig, retry: fastRetry });
  const close = async () => {
    await player.stop();
    await server.close();
    webhooks.close();
  };
  return { server, client, player, webhooks, close };
}
