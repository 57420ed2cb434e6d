// A real kube-apiserver with what a cluster would add: the admission webhooks of the given
// namespaces answering (played-webhooks.ts), and the controllers played (play-controllers.ts)
// with the webhooks' CA, either all along once started or one step at a time. One per test file.
import { KubeClient } from "../../lib/kube/client.ts";
import { fastRetry } from "./cluster.ts";
import { startRealApiServer, type RealApiServer } from "./real-apiserver.ts";
import { ControllerPlayer } from "./play-controllers.ts";
import { playWebhooks, type PlayedWebhooks } from "./played-webhooks.ts";

export interface RealCluster {
  server: RealApiServer;
  /** The test's own client (its requests are in the audit log). */
  client: KubeClient;
  /** Present when webhook namespaces were given. */
  webhooks: PlayedWebhooks | undefined;
  /** Controller steps played by hand (rollOut, completeJob, injectCa, ...), for tests that hold gates shut. */
  steps: ControllerPlayer;
  /** Starts the played controllers, unless they run. */
  startControllers(): Promise<void>;
  stopControllers(): Promise<void>;
  close(): Promise<void>;
}

export async function startRealCluster(webhookNamespaces: string[] = []): Promise<RealCluster> {
  const server = await startRealApiServer();
  const webhooks = webhookNamespaces.length > 0 ? await playWebhooks(server.egressSocket, webhookNamespaces) : undefined;
  const client = await KubeClient.create({ kubeconfig: server.kubeconfig, retry: fastRetry });
  const player = async () => new ControllerPlayer(await KubeClient.create({ kubeconfig: server.controllersKubeconfig, retry: fastRetry }), { caBundle: webhooks?.caBundle });
  const steps = await player();
  let running: ControllerPlayer | undefined;
  const stopControllers = async () => {
    await running?.stop();
    running = undefined;
  };
  return {
    server,
    client,
    webhooks,
    steps,
    async startControllers() {
      running ??= (await player()).start();
    },
    stopControllers,
    async close() {
      await stopControllers();
      await steps.stop();
      await webhooks?.close();
      await server.close();
    },
  };
}
