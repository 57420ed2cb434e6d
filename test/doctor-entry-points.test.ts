// The doctor's entry-point checks: each declared entry point's address assigned (asked of the
// cluster, with MetalLB's reason when it is not) and answering HTTP. The doctor itself runs in
// network namespaces made here: the example's addresses are never contacted from the host.
import t from "tap";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { connect, type Server, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { parseHomelab } from "../lib/homelab/load.ts";
import type { Homelab } from "../lib/homelab/schema.ts";
import { answerFinding, checkAssignment, entryPoints } from "../lib/net/entry-points.ts";
import { renderPlan } from "../lib/flight/plan.ts";
import { flights } from "../flights/index.ts";
import { deploy, fakeCluster } from "./helpers/cluster.ts";
import { createLan, listenIn, netnsUnavailable, type Lan } from "./helpers/netns.ts";

const examplePath = fileURLToPath(new URL("../examples/gateway.yaml", import.meta.url));
const doctor = fileURLToPath(new URL("../scripts/doctor.mjs", import.meta.url));
const example = (): Homelab => parseHomelab(readFileSync(examplePath, "utf8"), "gateway.yaml").homelab;

t.test("every declared entry point, and only those", async (t) => {
  const homelab = example();
  t.same(entryPoints(homelab).map((entry) => [entry.name, entry.address, `${entry.kind} ${entry.namespace}/${entry.objectName}`]), [
    ["ingress-nginx", "10.0.0.3", "Service ingress-nginx/ingress-nginx-controller"],
    ["gateway", "10.0.0.4", "Gateway envoy-gateway-system/homelab"],
  ]);
  const { ingressNginx: _gone, ...addons } = homelab.addons;
  t.same(entryPoints({ ...homelab, addons }).map((entry) => entry.name), ["gateway"]);
});

t.test("answering: any HTTP answer is one; a refused connection is a problem with a hint", async (t) => {
  const [ingress, gateway] = entryPoints(example());
  t.same(answerFinding(gateway!, { status: 404 }), { ip: "10.0.0.4", problem: false, message: "http://10.0.0.4/ answers 404 (Envoy: no route matches)" });
  t.same(answerFinding(ingress!, { status: 404 }).message, "http://10.0.0.3/ answers 404 (the ingress's default backend)");
  t.match(answerFinding(gateway!, { error: "ECONNREFUSED" }), { problem: true, message: /^http:\/\/10\.0\.0\.4\/ does not answer HTTP \(ECONNREFUSED\); check that the Envoy pods/ });
});

t.test("assigned: both entry points hold their addresses after a deploy", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  await deploy(client, renderPlan(example(), flights));
  const findings = await Promise.all(entryPoints(example()).map((entry) => checkAssignment(client, entry)));
  t.same(findings, [
    { ip: "10.0.0.3", problem: false, message: "10.0.0.3 (ingress-nginx): assigned to Service ingress-nginx/ingress-nginx-controller" },
    { ip: "10.0.0.4", problem: false, message: "10.0.0.4 (gateway): assigned to Gateway envoy-gateway-system/homelab" },
  ]);
});

t.test("not assigned: the doctor passes on MetalLB's reason", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  const homelab = example();
  const astray: Homelab = { ...homelab, addons: { ...homelab.addons, gateway: { ...homelab.addons.gateway!, address: "10.0.0.9" } } };
  // Everything before the Gateway with time to spare; the Gateway alone then runs out its --timeout.
  const plan = renderPlan(astray, flights);
  await deploy(client, plan.filter((flight) => flight.name !== "gateway"));
  await t.rejects(deploy(client, plan.filter((flight) => flight.name === "gateway").map((flight) => ({ ...flight, needs: [], addressesFrom: [] })), { timeoutMs: 2000 }));
  const gateway = entryPoints(astray).find((entry) => entry.name === "gateway")!;
  t.match(await checkAssignment(client, gateway), {
    problem: true,
    message: /^10\.0\.0\.9 \(gateway\): not assigned: Gateway envoy-gateway-system\/homelab holds no address; MetalLB on Service envoy-gateway-system\/envoy-envoy-gateway-system-homelab-[0-9a-f]{8}: Failed to allocate IP for ".*": "10\.0\.0\.9" is not allowed in config$/,
  });
  const missing = await checkAssignment(client, { ...gateway, apiPath: "/apis/gateway.networking.k8s.io/v1/namespaces/envoy-gateway-system/gateways/other", objectName: "other" });
  t.match(missing, { problem: true, message: /Gateway envoy-gateway-system\/other does not exist/ });
});

const unavailable = netnsUnavailable();
// Outside CI a machine without root or the tools says why it skips; CI must run this.
const skip = unavailable && process.env.CI !== "true" ? `network namespace test skipped: ${unavailable}` : false;
t.test("doctor.mjs --kubeconfig on a LAN of namespaces: each entry point's address assigned, then its HTTP answer", { skip }, async (t) => {
  if (unavailable) t.fail(`CI must be able to run the namespace tests: ${unavailable}`);
  const { server, client, kubeconfig } = await fakeCluster();
  t.teardown(() => server.close());
  await deploy(client, renderPlan(example(), flights));
  // The doctor runs in the probe namespace of a LAN made here, on the example's subnet; the node
  // (with its declared MAC) holds the node address and both entry points' addresses. Everything
  // it reaches is served by this process through sockets bound in those namespaces: the API
  // server's port on the probe's loopback (where the kubeconfig points) and on the node's :6443,
  // and an HTTP server on both entry points.
  const homelab = example();
  const node = homelab.nodes[0]!;
  const lan: Lan = createLan(`hge${process.pid}`, "10.0.0.250/24");
  const listening: Server[] = [];
  t.teardown(() => {
    listening.forEach((socket) => socket.close());
    lan.destroy();
  });
  lan.addHost("node", [`${node.address}/24`, ...entryPoints(homelab).map((entry) => `${entry.address}/32`)], node.mac);
  const nodeNamespace = lan.probe.replace(/-probe$/, "-node");
  const apiPort = Number(new URL(server.url).port);
  const toApiServer = (socket: Socket) => {
    const upstream = connect(apiPort, "127.0.0.1");
    socket.pipe(upstream).pipe(socket);
    socket.on("error", () => upstream.destroy());
    upstream.on("error", () => socket.destroy());
  };
  const answered: string[] = [];
  const entryPointHttp = createServer((request, response) => {
    answered.push(`${request.method} ${request.socket.localAddress}${request.url}`);
    response.writeHead(404).end("404 page not found\n");
  });
  const serve = async (namespace: string, host: string, port: number, onConnection: (socket: Socket) => void) => {
    const socket = await listenIn(namespace, host, port);
    listening.push(socket);
    socket.on("connection", onConnection);
  };
  await serve(lan.probe, "127.0.0.1", apiPort, toApiServer);
  await serve(nodeNamespace, node.address, 6443, toApiServer);
  for (const entry of entryPoints(homelab)) await serve(nodeNamespace, entry.address, 80, (socket) => entryPointHttp.emit("connection", socket));

  const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    // Asynchronously: this process serves what the doctor asks.
    execFile("ip", ["netns", "exec", lan.probe, process.execPath, doctor, "--config", examplePath, "--kubeconfig", kubeconfig, "--interface", "br0", "--timeout", "60s"], { encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
    );
  });
  t.equal(run.code, 0, run.stdout + run.stderr);
  t.match(run.stdout, /^ok: 10\.0\.0\.3 \(ingress-nginx\): assigned to Service ingress-nginx\/ingress-nginx-controller\nok: http:\/\/10\.0\.0\.3\/ answers 404 \(the ingress's default backend\)$/m);
  t.match(run.stdout, /^ok: 10\.0\.0\.4 \(gateway\): assigned to Gateway envoy-gateway-system\/homelab\nok: http:\/\/10\.0\.0\.4\/ answers 404 \(Envoy: no route matches\)$/m);
  t.match(run.stdout, "ok: the Kubernetes API at 10.0.0.2:6443 accepts connections");
  t.match(run.stdout, /all clear\n$/);
  t.same(answered.sort(), ["GET 10.0.0.3/", "GET 10.0.0.4/"], "each entry point was asked once, at its own address");
});
