// A real kube-apiserver with what a cluster would add: the admission webhooks of the given
// namespaces answering (played-webhooks.ts) and, once started, the controllers played
// (play-controllers.ts) with the webhooks' CA. One per test file.
import { KubeClient } from "../../lib/kube/client.ts";
import { fastRetry } from "./cluster.ts";
import { startRealApiServer, type RealApiServer } from "./real-apiserver.ts";
import { ControllerPlayer } from "./play-controllers.ts";
import { playWebhooks, type PlayedWebhooks } from "./played-webhooks.ts";

export interface RealCluster {
  server: RealApiServer;
  /** The test's own client (its requests are in the audit log). */
  client: KubeClient;
  webhooks: PlayedWebhooks;
  /** Starts the played controllers, unless they run. */
  startControllers(): Promise<void>;
  stopControllers(): Promise<void>;
  close(): Promise<void>;
}

export async function startRealCluster(webhookNamespaces: string[]): Promise<RealCluster> {
  const server = await startRealApiServer();
  const webhooks = await playWebhooks(server.egressSocket, webhookNamespaces);
  const client = await KubeClient.create({ kubeconfig: server.kubeconfig, retry: fastRetry });
  let player: ControllerPlayer | undefined;
  const stopControllers = async () => {
    await player?.stop();
    player = undefined;
  };
  return {
    server,
    client,
    webhooks,
    async startControllers() {
      player ??= new ControllerPlayer(await KubeClient.create({ kubeconfig: server.controllersKubeconfig, retry: fastRetry }), { caBundle: webhooks.caBundle }).start();
    },
    stopControllers,
    async close() {
      await stopControllers();
      await webhooks.close();
      await server.close();
    },
  };
}
