// Admission webhooks played by the test, for a real API server that has no pod to call: served in
// this process through the server's cluster tunnel (real-apiserver.ts `clusterNetwork`), over TLS
// with a certificate for the Service's DNS name (`<service>.<namespace>.svc`) signed by a CA of the
// test's own, which the played controllers inject into the webhook configurations as MetalLB's
// controller and the certificate jobs do. Every request is admitted unchanged, as MetalLB admits
// the valid pools and advertisements the tests create, and recorded with the endpoint the server
// dialled (only read: nothing is dialled here). The server verifies the certificate against the
// injected CA and reaches the webhook only through a ready endpoint, so a call succeeds exactly
// when it would in a cluster whose webhook pod runs.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSecureContext, type SecureContext, TLSSocket } from "node:tls";

export interface WebhookCall {
  /** The Service's DNS name the server asked for (TLS server name). */
  service: string;
  /** The endpoint `address:port` the server's tunnel was opened to: one the EndpointSlice lists as ready. */
  endpoint: string;
  path: string;
  kind: string;
  operation: string;
}

type TunnelledTls = TLSSocket & { endpoint: string };

const openssl = (args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
const curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

export class PlayedWebhooks {
  readonly calls: WebhookCall[] = [];
  /** The CA (PEM, base64) to put in the webhook configurations' caBundle. */
  readonly caBundle: string;
  private readonly dir = mkdtempSync(join(tmpdir(), "hangar-webhooks-"));
  private readonly contexts = new Map<string, SecureContext>();
  private readonly server: Server;

  constructor() {
    openssl(["req", "-x509", ...curve, "-keyout", join(this.dir, "ca.key"), "-out", join(this.dir, "ca.crt"), "-days", "2", "-subj", "/CN=played webhook CA"]);
    this.caBundle = readFileSync(join(this.dir, "ca.crt")).toString("base64");
    this.server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        const review = JSON.parse(body);
        const { uid, kind, operation } = review.request;
        const { servername, endpoint } = request.socket as TunnelledTls;
        this.calls.push({ service: servername || "", endpoint, path: request.url ?? "", kind: kind.kind, operation });
        response.setHeader("content-type", "application/json");
        response.end(JSON.stringify({ apiVersion: review.apiVersion, kind: "AdmissionReview", response: { uid, allowed: true } }));
      });
    });
  }

  /** A tunnelled connection from the API server to `target`: TLS and HTTP from here on. */
  readonly serve = (socket: Socket, target: string): void => {
    const tls = new TLSSocket(socket, { isServer: true, SNICallback: (name, done) => done(null, this.context(name)) });
    this.server.emit("connection", Object.assign(tls, { endpoint: target }));
  };

  /** A serving certificate for one Service name, made the first time it is asked for. */
  private context(name: string): SecureContext | undefined {
    if (!/^[a-z0-9-]+\.[a-z0-9-]+\.svc$/.test(name)) return undefined;
    let context = this.contexts.get(name);
    if (!context) {
      const [key, cert] = [join(this.dir, `${name}.key`), join(this.dir, `${name}.crt`)];
      openssl([
        "req", "-x509", ...curve, "-CA", join(this.dir, "ca.crt"), "-CAkey", join(this.dir, "ca.key"),
        "-keyout", key, "-out", cert, "-days", "2", "-subj", `/CN=${name}`,
        "-addext", `subjectAltName=DNS:${name}`, "-addext", "basicConstraints=critical,CA:FALSE",
      ]);
      context = createSecureContext({ key: readFileSync(key), cert: readFileSync(cert) });
      this.contexts.set(name, context);
    }
    return context;
  }

  close(): void {
    this.server.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
