// The doctor's entry-point checks: each declared entry point's address assigned (asked of the
// cluster, with MetalLB's reason when it is not) and answering HTTP.
import t from "tap";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parseHomelab } from "../lib/homelab/load.ts";
import type { Homelab } from "../lib/homelab/schema.ts";
import { answerFinding, checkAssignment, entryPoints } from "../lib/net/entry-points.ts";
import { renderPlan } from "../lib/flight/plan.ts";
import { flights } from "../flights/index.ts";
import { deploy, fakeCluster } from "./helpers/cluster.ts";

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
  await t.rejects(deploy(client, plan.filter((flight) => flight.name === "gateway").map((flight) => ({ ...flight, needs: [] })), { timeoutMs: 2000 }));
  const gateway = entryPoints(astray).find((entry) => entry.name === "gateway")!;
  t.match(await checkAssignment(client, gateway), {
    problem: true,
    message: /^10\.0\.0\.9 \(gateway\): not assigned: Gateway envoy-gateway-system\/homelab holds no address; MetalLB on Service envoy-gateway-system\/envoy-envoy-gateway-system-homelab-[0-9a-f]{8}: Failed to allocate IP for ".*": "10\.0\.0\.9" is not allowed in config$/,
  });
  const missing = await checkAssignment(client, { ...gateway, apiPath: "/apis/gateway.networking.k8s.io/v1/namespaces/envoy-gateway-system/gateways/other", objectName: "other" });
  t.match(missing, { problem: true, message: /Gateway envoy-gateway-system\/other does not exist/ });
});

t.test("doctor.mjs --kubeconfig: each entry point's address assigned, then its HTTP answer", async (t) => {
  const { server, client, kubeconfig } = await fakeCluster();
  t.teardown(() => server.close());
  await deploy(client, renderPlan(example(), flights));
  // Asynchronously: the fake API server answers from this process.
  const run = await promisify(execFile)(process.execPath, [doctor, "--config", examplePath, "--kubeconfig", kubeconfig, "--timeout", "1"], { encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } }).catch(
    (error: { stdout: string; stderr: string }) => error,
  );
  t.match(run.stdout, /^ok: 10\.0\.0\.3 \(ingress-nginx\): assigned to Service ingress-nginx\/ingress-nginx-controller\n(ok|problem): http:\/\/10\.0\.0\.3\/ /m, run.stderr);
  t.match(run.stdout, /^ok: 10\.0\.0\.4 \(gateway\): assigned to Gateway envoy-gateway-system\/homelab\n(ok|problem): http:\/\/10\.0\.0\.4\/ /m, run.stderr);
});
