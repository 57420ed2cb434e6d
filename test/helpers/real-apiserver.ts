// A real kube-apiserver (and its etcd) on loopback, from the tools `npm run tools` builds: token
// authentication, AlwaysAllow authorization, a self-signed serving certificate. No controllers.
import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeClient } from "../../lib/kube/client.ts";
import { realTool } from "./tools.ts";

export interface RealApiServer {
  client: KubeClient;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

export async function startRealApiServer(): Promise<RealApiServer> {
  const dir = mkdtempSync(join(tmpdir(), "hangar-apiserver-"));
  const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeFileSync(join(dir, "sa.key"), privateKey.export({ type: "pkcs1", format: "pem" }));
  writeFileSync(join(dir, "tokens.csv"), "hangar-test-token,admin,admin,system:masters\n");
  const etcd = spawn(realTool("etcd"), [
    "--data-dir", join(dir, "etcd"),
    "--listen-client-urls", `http://127.0.0.1:${etcdPort}`, "--advertise-client-urls", `http://127.0.0.1:${etcdPort}`,
    "--listen-peer-urls", `http://127.0.0.1:${peerPort}`, "--initial-advertise-peer-urls", `http://127.0.0.1:${peerPort}`,
    "--initial-cluster", `default=http://127.0.0.1:${peerPort}`,
  ], { stdio: "ignore" });
  const apiserver = spawn(realTool("kube-apiserver"), [
    "--etcd-servers", `http://127.0.0.1:${etcdPort}`, "--bind-address", "127.0.0.1", "--secure-port", String(apiPort),
    "--cert-dir", join(dir, "certs"), "--token-auth-file", join(dir, "tokens.csv"), "--authorization-mode", "AlwaysAllow",
    "--service-account-key-file", join(dir, "sa.key"), "--service-account-signing-key-file", join(dir, "sa.key"),
    "--service-account-issuer", "https://kubernetes.default.svc", "--service-cluster-ip-range", "10.96.0.0/12",
  ], { stdio: "ignore" });
  const close = async () => {
    await stop(apiserver);
    await stop(etcd);
    rmSync(dir, { recursive: true, force: true });
  };
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(kubeconfig, [
    "apiVersion: v1", "kind: Config",
    "clusters:", "- name: real", "  cluster:", `    server: https://127.0.0.1:${apiPort}`, "    insecure-skip-tls-verify: true",
    "users:", "- name: real", "  user:", "    token: hangar-test-token",
    "contexts:", "- name: real", "  context:", "    cluster: real", "    user: real", "current-context: real", "",
  ].join("\n"));
  // Until it serves, connections are refused: the client's retries (bounded backoff) wait for /readyz.
  const client = await KubeClient.create({ kubeconfig, retry: { attempts: 40, baseMs: 100, maxMs: 1000 } });
  try {
    await client.json("GET", "/readyz");
  } catch (error) {
    await close();
    throw error;
  }
  return { client, close };
}
