// A real kube-apiserver and etcd (built by `npm run tools`) on loopback, one per test file:
// random ports, a fresh data folder, a self-signed serving certificate, a token for an admin in
// system:masters, RBAC, and an audit log that records every request the tests' clients make.
// No kubelet or controller-manager runs: tests play the controllers (test/helpers/play-controllers.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { closeSync, existsSync, type FSWatcher, mkdtempSync, openSync, readFileSync, readSync, rmSync, watch, writeFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { get as httpsGet } from "node:https";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { StringDecoder } from "node:string_decoder";
import { join } from "node:path";
import { tokenKubeconfig } from "./kubeconfig.ts";
import { realTool } from "./tools.ts";

export interface AuditEvent {
  /** ResponseStarted (a watch, as it begins streaming), ResponseComplete or Panic. */
  stage: string;
  verb: string;
  requestURI: string;
  user: { username: string };
  responseStatus?: { code: number };
  objectRef?: { resource?: string; namespace?: string; name?: string; subresource?: string };
}

export interface RealApiServer {
  url: string;
  /** The admin the tests act as; the audit log records this user only. */
  kubeconfig: string;
  /** Another admin, for the played controllers, whose requests stay out of the audit log. */
  controllersKubeconfig: string;
  /** The server's self-signed certificate (PEM), a CA any test may hand out. */
  caFile: string;
  /** Kills etcd: the server stays up and stops answering anything that needs storage. */
  killEtcd(): Promise<void>;
  /** Every request completed so far, oldest first (the server's own audit log). */
  audit(): AuditEvent[];
  /**
   * The first audit event (of any stage: a watch is recorded as it starts streaming) matching,
   * as soon as the server writes it; the log is followed, never polled.
   */
  untilAudited(match: (event: AuditEvent) => boolean, from?: number): Promise<AuditEvent>;
  /** How many audit events (of every stage) there are so far: `from` for untilAudited, to look only at later ones. */
  auditMark(): number;
  close(): Promise<void>;
}

const user = "hangar-test";
const controllersUser = "played-controllers";

// Requests of the test user only; RequestReceived is dropped so each request is one event.
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    users: [${user}]
  - level: None
`;

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

/** Asks until the endpoint answers 200: the server tells when it is ready, nothing is guessed. */
async function untilHealthy(probe: () => Promise<number>, what: string, child: ChildProcess, log: string, deadlineMs = 90_000): Promise<void> {
  const started = Date.now();
  let wait = 50;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${tail(log)}`);
    if ((await probe().catch(() => 0)) === 200) return;
    if (Date.now() - started > deadlineMs) throw new Error(`${what} not healthy after ${deadlineMs} ms:\n${tail(log)}`);
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait = Math.min(wait * 2, 500);
  }
}

function tail(file: string): string {
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").slice(-20).join("\n") : "(no log)";
}

function status(request: typeof httpGet | typeof httpsGet, url: string, options: object): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, options, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.setTimeout(5_000, () => req.destroy(new Error("timeout")));
  });
}

/** Killed outright: the data is thrown away, and a graceful apiserver shutdown drains for a minute. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

export interface RealApiServerOptions {
  /**
   * Serves the server's connections into the cluster (webhook calls) in this process: each
   * tunnelled connection with its target `address:port`. Without it they go to a dead socket.
   */
  clusterNetwork?: (socket: Socket, target: string) => void;
}

/** Listens on a Unix socket for the server's HTTP CONNECT tunnels (its egress selector's protocol). */
function tunnelEndpoint(path: string, serve: (socket: Socket, target: string) => void): Server {
  const server = createServer((socket) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      socket.off("data", onData);
      const target = /^CONNECT (\S+) HTTP\/1\.[01]\r\n/.exec(head.subarray(0, end).toString("latin1"))?.[1];
      if (!target) return void socket.end("HTTP/1.1 400 Bad Request\r\n\r\n");
      socket.write("HTTP/1.1 200 Connection established\r\n\r\n");
      const rest = head.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      serve(socket, target);
    };
    socket.on("data", onData);
    socket.on("error", () => socket.destroy());
  });
  server.listen(path);
  return server;
}

export async function startRealApiServer(options: RealApiServerOptions = {}): Promise<RealApiServer> {
  const dir = mkdtempSync(join(tmpdir(), "hangar-apiserver-"));
  const [etcdClient, etcdPeer, securePort] = await Promise.all([freePort(), freePort(), freePort()]);
  const children: ChildProcess[] = [];
  const killAll = () => children.forEach((child) => child.kill("SIGKILL"));
  process.once("exit", killAll);
  // A test file stopped by its timeout gets SIGTERM, which skips "exit": take the servers along, then end as asked.
  const onTerm = () => {
    killAll();
    process.kill(process.pid, "SIGTERM");
  };
  process.once("SIGTERM", onTerm);

  const etcdLog = join(dir, "etcd.log");
  const etcd = spawn(realTool("etcd"), [
    "--name", "default",
    "--data-dir", join(dir, "etcd"),
    "--listen-client-urls", `http://127.0.0.1:${etcdClient}`,
    "--advertise-client-urls", `http://127.0.0.1:${etcdClient}`,
    "--listen-peer-urls", `http://127.0.0.1:${etcdPeer}`,
    "--initial-advertise-peer-urls", `http://127.0.0.1:${etcdPeer}`,
    "--initial-cluster", `default=http://127.0.0.1:${etcdPeer}`,
    // Test data is thrown away with the folder: durability costs seconds on a busy disk.
    "--unsafe-no-fsync",
    "--log-outputs", etcdLog,
  ], { stdio: "ignore" });
  children.push(etcd);

  // Without a server for them, the cluster connections go to a socket nobody listens on.
  const clusterSocket = join(dir, options.clusterNetwork ? "played-cluster-network.sock" : "no-cluster-network.sock");
  const tunnels = options.clusterNetwork && tunnelEndpoint(clusterSocket, options.clusterNetwork);

  const followers = new Set<FSWatcher>();
  const close = async () => {
    followers.forEach((follower) => follower.close());
    await Promise.all([...children].reverse().map(stop));
    await new Promise((resolve) => (tunnels ? tunnels.close(resolve) : resolve(undefined)));
    process.removeListener("exit", killAll);
    process.removeListener("SIGTERM", onTerm);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await untilHealthy(() => status(httpGet, `http://127.0.0.1:${etcdClient}/health`, {}), "etcd", etcd, etcdLog);

    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const saKey = join(dir, "sa.key");
    const saPub = join(dir, "sa.pub");
    writeFileSync(saKey, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    writeFileSync(saPub, publicKey.export({ type: "spki", format: "pem" }));
    const token = randomBytes(24).toString("hex");
    const controllersToken = randomBytes(24).toString("hex");
    writeFileSync(join(dir, "tokens.csv"), `${token},${user},1,system:masters\n${controllersToken},${controllersUser},2,system:masters\n`, { mode: 0o600 });
    writeFileSync(join(dir, "audit-policy.yaml"), auditPolicy);
    // Every connection the server makes into the cluster (webhooks, aggregated APIs) goes to a
    // Unix socket, nobody's or the test's own: whatever addresses the tests' Services and
    // endpoints hold, the server never dials one of them.
    writeFileSync(join(dir, "egress.yaml"), [
      "apiVersion: apiserver.k8s.io/v1beta1",
      "kind: EgressSelectorConfiguration",
      "egressSelections:",
      "  - name: cluster",
      "    connection:",
      "      proxyProtocol: HTTPConnect",
      "      transport:",
      `        uds: { udsName: ${clusterSocket} }`,
      "",
    ].join("\n"));

    const apiserverLog = join(dir, "kube-apiserver.log");
    const certDir = join(dir, "certs");
    const apiserver = spawn(realTool("kube-apiserver"), [
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      `--secure-port=${securePort}`,
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      `--cert-dir=${certDir}`,
      `--token-auth-file=${join(dir, "tokens.csv")}`,
      "--authorization-mode=RBAC",
      `--service-account-key-file=${saPub}`,
      `--service-account-signing-key-file=${saKey}`,
      "--service-account-issuer=https://kubernetes.default.svc",
      "--service-cluster-ip-range=10.96.0.0/16",
      // Nothing here runs endpoints: without these the server would try to publish itself.
      "--endpoint-reconciler-type=none",
      // Webhooks resolve through EndpointSlices rather than a Service's cluster IP, and every
      // such connection goes to the dead socket above.
      "--enable-aggregator-routing=true",
      `--egress-selector-config-file=${join(dir, "egress.yaml")}`,
      `--audit-policy-file=${join(dir, "audit-policy.yaml")}`,
      `--audit-log-path=${join(dir, "audit.log")}`,
      "--audit-log-mode=blocking",
      "--enable-priority-and-fairness=false",
      "--profiling=false",
    ], { stdio: ["ignore", "ignore", "pipe"] });
    children.push(apiserver);
    const logStream = (await import("node:fs")).createWriteStream(apiserverLog);
    apiserver.stderr!.pipe(logStream);

    const url = `https://127.0.0.1:${securePort}`;
    const caFile = join(certDir, "apiserver.crt");
    const tlsOptions = () => ({ ca: readFileSync(caFile), headers: { Authorization: `Bearer ${token}` } });
    await untilHealthy(() => (existsSync(caFile) ? status(httpsGet, `${url}/readyz`, tlsOptions()) : Promise.resolve(0)), "kube-apiserver", apiserver, apiserverLog);

    const writeKubeconfig = (file: string, name: string, secret: string) => {
      writeFileSync(file, tokenKubeconfig({ name: "real", server: url, ca: caFile, user: name, token: secret }), { mode: 0o600 });
      return file;
    };
    const kubeconfig = writeKubeconfig(join(dir, "kubeconfig"), user, token);
    const controllersKubeconfig = writeKubeconfig(join(dir, "controllers.kubeconfig"), controllersUser, controllersToken);

    const log = new AuditLog(join(dir, "audit.log"));
    const audit = () => log.read().filter((event) => event.stage === "ResponseComplete" || event.stage === "Panic");
    const untilAudited = (match: (event: AuditEvent) => boolean, from = 0) =>
      new Promise<AuditEvent>((resolve) => {
        const check = () => {
          const found = log.read().slice(from).find(match);
          if (!found) return;
          follower.close();
          followers.delete(follower);
          resolve(found);
        };
        // The folder, not the file: the server creates the file with its first event. A follower
        // still waiting keeps nothing alive and ends with the server.
        const follower = watch(dir, check).unref();
        followers.add(follower);
        check();
      });
    return { url, kubeconfig, controllersKubeconfig, caFile, killEtcd: () => stop(etcd), audit, untilAudited, auditMark: () => log.read().length, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The audit log read incrementally: only what the server appended since the last read is parsed. */
class AuditLog {
  private readonly events: AuditEvent[] = [];
  private offset = 0;
  private partial = "";
  private readonly decoder = new StringDecoder("utf8");

  constructor(private readonly file: string) {}

  read(): AuditEvent[] {
    if (!existsSync(this.file)) return this.events;
    const fd = openSync(this.file, "r");
    try {
      const buffer = Buffer.alloc(1 << 16);
      for (let read; (read = readSync(fd, buffer, 0, buffer.length, this.offset)) > 0; this.offset += read) {
        this.partial += this.decoder.write(buffer.subarray(0, read));
      }
    } finally {
      closeSync(fd);
    }
    const lines = this.partial.split("\n");
    this.partial = lines.pop()!;
    for (const line of lines) if (line) this.events.push(JSON.parse(line) as AuditEvent);
    return this.events;
  }
}
