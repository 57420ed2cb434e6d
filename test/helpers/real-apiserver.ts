// A real kube-apiserver and etcd (test/tools builds them) on loopback, with no controllers and
// no kubelet: what the API server itself validates (schemas, CEL rules, admission policies) is
// real; everything a controller would do is not.
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
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves when `ready` answers; rejects with the process's last output if it exits first. */
async function until(ready: () => Promise<boolean>, processes: ChildProcess[], output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const exited = processes.find((child) => child.exitCode !== null);
    if (exited) throw new Error(`${exited.spawnfile} exited (${exited.exitCode}): ${output().slice(-2000)}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`the API server was not ready within ${timeoutMs / 1000}s: ${output().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function startRealApiServer(): Promise<RealApiServer> {
  const dir = mkdtempSync(join(tmpdir(), "hangar-apiserver-"));
  const [etcdClient, etcdPeer, securePort] = await Promise.all([freePort(), freePort(), freePort()]);
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
  writeFileSync(join(dir, "sa.pub"), publicKey);
  writeFileSync(join(dir, "sa.key"), privateKey);
  writeFileSync(join(dir, "tokens.csv"), "hangar-test-token,hangar,hangar,system:masters\n");
  let output = "";
  const collect = (child: ChildProcess) => {
    child.stdout?.on("data", (chunk) => (output = (output + chunk).slice(-20000)));
    child.stderr?.on("data", (chunk) => (output = (output + chunk).slice(-20000)));
    return child;
  };
  const etcd = collect(
    spawn(realTool("etcd"), [
      "--data-dir", join(dir, "etcd"), "--name", "default",
      "--listen-client-urls", `http://127.0.0.1:${etcdClient}`, "--advertise-client-urls", `http://127.0.0.1:${etcdClient}`,
      "--listen-peer-urls", `http://127.0.0.1:${etcdPeer}`, "--initial-advertise-peer-urls", `http://127.0.0.1:${etcdPeer}`,
      "--initial-cluster", `default=http://127.0.0.1:${etcdPeer}`,
    ]),
  );
  const apiserver = collect(
    spawn(realTool("kube-apiserver"), [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", `--secure-port=${securePort}`, `--cert-dir=${join(dir, "certs")}`,
      "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
      `--service-account-key-file=${join(dir, "sa.pub")}`, `--service-account-signing-key-file=${join(dir, "sa.key")}`,
      `--token-auth-file=${join(dir, "tokens.csv")}`, "--authorization-mode=RBAC", "--service-cluster-ip-range=10.96.0.0/16",
      // A loopback address cannot be published as the kubernetes Service endpoint.
      "--endpoint-reconciler-type=none",
    ]),
  );
  const processes = [etcd, apiserver];
  const close = async () => {
    for (const child of processes.reverse()) {
      if (child.exitCode !== null) continue;
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(
      kubeconfig,
      [
        "apiVersion: v1", "kind: Config",
        "clusters:", "- name: real", "  cluster:", `    server: https://127.0.0.1:${securePort}`, "    insecure-skip-tls-verify: true",
        "users:", "- name: real", "  user:", "    token: hangar-test-token",
        "contexts:", "- name: real", "  context:", "    cluster: real", "    user: real",
        "current-context: real", "",
      ].join("\n"),
    );
    const client = await KubeClient.create({ kubeconfig, retry: { attempts: 1, baseMs: 1, maxMs: 1 } });
    // Ready for what the tests do: CRDs served (apiextensions) and namespaces accepted.
    await until(async () => (await client.getOrUndefined("/apis/apiextensions.k8s.io/v1/customresourcedefinitions")) !== undefined && (await client.getOrUndefined("/api/v1/namespaces/default")) !== undefined, processes, () => output, 120_000);
    return { client: await KubeClient.create({ kubeconfig }), close };
  } catch (error) {
    await close();
    throw error;
  }
}
