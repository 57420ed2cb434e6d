// The admission webhooks' pods, played: the real API server of the tests sends every connection
// into the cluster to a Unix socket (its egress proxy, real-apiserver.ts); listening there, this
// answers the HTTP CONNECT itself and serves the webhook over TLS, with a certificate for the
// webhooks' Service names signed by a CA the played controllers inject. Every call is allowed
// and recorded. Nothing is dialled: the endpoint addresses in the CONNECT lines are only read.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TLSSocket } from "node:tls";

export interface PlayedWebhooks {
  /** The CA (base64 PEM, a caBundle) that signed the webhooks' serving certificate. */
  caBundle: string;
  /** Each call: `<CONNECT target> <path>`, e.g. `192.0.2.3:9443 /validate-metallb-io-v1beta1-ipaddresspool`. */
  calls: string[];
  close(): Promise<void>;
}

/** A CA and a serving certificate for `*.<namespace>.svc` of each namespace, made by openssl. */
function certificates(namespaces: string[]): { ca: string; key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), "hangar-webhooks-"));
  try {
    const file = (name: string) => join(dir, name);
    const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "ignore" });
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    openssl("req", "-x509", ...ec, "-keyout", file("ca.key"), "-out", file("ca.crt"), "-days", "3650", "-subj", "/CN=played webhooks CA",
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
    openssl("req", ...ec, "-keyout", file("tls.key"), "-out", file("tls.csr"), "-subj", "/CN=played webhook");
    writeFileSync(file("ext.cnf"), `subjectAltName=${namespaces.map((namespace) => `DNS:*.${namespace}.svc`).join(",")}\nextendedKeyUsage=serverAuth\n`);
    openssl("x509", "-req", "-in", file("tls.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"), "-CAcreateserial", "-out", file("tls.crt"), "-days", "3650", "-extfile", file("ext.cnf"));
    return { ca: readFileSync(file("ca.crt"), "utf8"), key: readFileSync(file("tls.key"), "utf8"), cert: readFileSync(file("tls.crt"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Serves the webhooks of Services in `namespaces` on the API server's egress socket. */
export async function playWebhooks(egressSocket: string, namespaces: string[]): Promise<PlayedWebhooks> {
  const { ca, key, cert } = certificates(namespaces);
  const calls: string[] = [];
  const webhook = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const review = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      calls.push(`${(req.socket as TLSSocket & { target?: string }).target} ${req.url?.split("?")[0]}`);
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ apiVersion: review.apiVersion, kind: "AdmissionReview", response: { uid: review.request.uid, allowed: true } }));
    });
  });
  const proxy = createHttpServer();
  proxy.on("connect", (req: IncomingMessage, socket, head: Buffer) => {
    socket.write("HTTP/1.1 200 Connection established\r\n\r\n");
    if (head.length > 0) socket.unshift(head);
    const tls = Object.assign(new TLSSocket(socket, { isServer: true, key, cert }), { target: req.url });
    webhook.emit("connection", tls);
  });
  await new Promise<void>((resolve, reject) => {
    proxy.once("error", reject);
    proxy.listen(egressSocket, resolve);
  });
  return {
    caBundle: Buffer.from(ca).toString("base64"),
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        proxy.closeAllConnections();
        webhook.closeAllConnections();
        proxy.close(() => resolve());
      }),
  };
}
