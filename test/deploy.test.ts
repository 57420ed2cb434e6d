// The applier against the fake API server: the example end to end, the MetalLB webhook race,
// the LB address wait, no-op re-runs, prune, conflicts and ownership.
import t from "tap";
import { performance } from "node:perf_hooks";
import { gunzipSync } from "node:zlib";
import { deploy, examplePlan, fakeCluster } from "./helpers/cluster.ts";
import type { PlannedFlight } from "../lib/flight/plan.ts";
import { releaseHash } from "../lib/kube/revision.ts";
import { defaultDeployOptions, deployFlights } from "../lib/kube/deploy.ts";

const pool = (flights: PlannedFlight[]) => flights.find((f) => f.name === "metallb-pool")!;

t.test("the example deploys end to end and holds its LAN address", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  const { summaries, events } = await deploy(client, examplePlan());
  t.same(summaries.map((s) => s.flight), ["metallb", "metallb-pool", "ingress-nginx"]);
  t.same(summaries.map((s) => s.counts.created), [26, 2, 19]);
  const controller = server.get("apps/v1", "Deployment", "metallb-system", "metallb-controller")!;
  t.equal(controller.status.availableReplicas, 1);
  const service = server.get("v1", "Service", "ingress-nginx", "ingress-nginx-controller")!;
  t.same(service.status.loadBalancer.ingress, [{ ip: "10.0.0.3", ipMode: "VIP" }]);
  t.same(events.filter((e) => e.type === "address"), [{ type: "address", flight: "ingress-nginx", address: "10.0.0.3", holder: "Service ingress-nginx/ingress-nginx-controller" }]);
  t.equal(service.metadata.labels["app.kubernetes.io/managed-by"], "yoke");
  t.equal(service.metadata.annotations["instance.atc.yoke.cd/release"], "ingress-nginx");
  t.same(service.metadata.managedFields.map((f: { manager: string }) => f.manager), ["yoke"]);
});

t.test("a wait is reported only for what is not ready at the first look", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  server.hold("rollout");
  const waits: string[] = [];
  let controllerWaited!: () => void;
  const waited = new Promise<void>((resolve) => (controllerWaited = resolve));
  const run = deployFlights(client, examplePlan(), { ...defaultDeployOptions, timeoutMs: 20_000 }, (event) => {
    if (event.type !== "waiting") return;
    waits.push(event.what);
    if (event.what === "Deployment/metallb-system/metallb-controller") controllerWaited();
  });
  await waited;
  server.release("rollout");
  await run;
  t.pass("MetalLB's controller, held from rolling out, is waited for");
  t.same(waits.filter((what) => /^(ConfigMap|ServiceAccount|Role|RoleBinding|ClusterRole|ClusterRoleBinding|Namespace)\//.test(what)), [], "objects ready as soon as they exist are not");
});

t.test("release records are yoke revision Secrets holding the applied stages", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  await deploy(client, examplePlan());
  const secretRequests = server.requests.filter((r) => r.method === "PATCH" && r.path.includes("/secrets/yoke."));
  t.equal(secretRequests.length, 3, "one revision per flight");
  const path = secretRequests.find((r) => r.path.includes("/namespaces/metallb-system/") && r.query.dryRun === undefined)!.path;
  const name = path.split("/").pop()!;
  const secret = server.get("v1", "Secret", "metallb-system", name)!;
  t.match(name, /^yoke\.[0-9a-f]{12}$/);
  t.equal(secret.metadata.labels["internal.yoke/kind"], "revision");
  t.ok([releaseHash("metallb"), releaseHash("metallb-pool")].includes(secret.metadata.labels["internal.yoke/release"]));
  const stages = JSON.parse(gunzipSync(Buffer.from(secret.data.resources, "base64")).toString());
  t.equal(secret.metadata.annotations["internal.yoke/resources"], String(stages.flat().length));
  t.ok(Array.isArray(stages[0]) && stages[0][0].kind, "gzipped JSON list of stages");
});

t.test("a re-run with nothing changed makes no mutating request", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  await deploy(client, examplePlan());
  server.clearLog();
  const { summaries } = await deploy(client, examplePlan());
  t.same(server.requests.filter((r) => r.mutating || r.dryRun), [], "no writes and no dry runs");
  t.same(summaries.map((s) => [s.counts.unchanged, s.newRevision]), [[26, false], [2, false], [19, false]]);
});

t.test("the pool waits for MetalLB's webhook instead of failing on it", async (t) => {
  const { server, client } = await fakeCluster({ delays: { rollout: 150, caBundle: 150 } });
  t.teardown(() => server.close());
  await deploy(client, examplePlan());
  const serving = server.events.find((e) => e.kind === "webhook-serving")!.at;
  const poolWrites = server.requests.filter((r) => r.method === "PATCH" && r.path.includes("/ipaddresspools/"));
  t.ok(poolWrites.length > 0);
  t.ok(poolWrites.every((r) => r.at > serving), "every pool request comes after the webhook serves");
  t.ok(poolWrites.every((r) => r.status < 300), "none is refused");
});

t.test("a pool applied while the webhook is still starting is retried until it answers", async (t) => {
  const { server, client } = await fakeCluster({ delays: { rollout: 300, caBundle: 100 } });
  t.teardown(() => server.close());
  const flights = examplePlan();
  // Deploy MetalLB by hand, the way a half-finished helm install leaves it: objects there, controller not ready yet.
  for (const resource of flights[0]!.stages.flat()) server.applyAs("helm", resource);
  await until(() => server.get("apiextensions.k8s.io/v1", "CustomResourceDefinition", undefined, "ipaddresspools.metallb.io")?.status);
  const { summaries } = await deploy(client, [{ ...pool(flights), needs: [] }]);
  t.equal(summaries[0]!.counts.created, 2);
  const refused = server.requests.filter((r) => r.path.includes("/ipaddresspools/") && r.status === 500);
  t.ok(refused.length > 0, "the webhook refused the first dry runs");
  t.ok(refused.every((r) => r.dryRun), "only dry runs were refused: nothing half-applied");
  t.ok(server.get("metallb.io/v1beta1", "IPAddressPool", "metallb-system", "lan"));
});

t.test("ingress is ready only once its Service holds the address it asked for", async (t) => {
  const { server, client } = await fakeCluster({ delays: { loadBalancer: 200 } });
  t.teardown(() => server.close());
  await deploy(client, examplePlan());
  const assigned = server.events.find((e) => e.kind === "lb-ip-assigned" && e.object === "Service/ingress-nginx/ingress-nginx-controller");
  t.ok(assigned, "MetalLB (simulated) assigned the address");
  const revision = server.requests.find((r) => r.method === "PATCH" && r.path.startsWith("/api/v1/namespaces/ingress-nginx/secrets/yoke."))!;
  t.ok(revision.at > assigned!.at, "the release is recorded after the address is held");
});

t.test("an address in no pool times out with the Service's last status", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  const flights = examplePlan().map((flight) =>
    flight.name !== "ingress-nginx"
      ? flight
      : {
          ...flight,
          stages: flight.stages.map((stage) =>
            stage.map((r) => (r.kind === "Service" && r.metadata.name === "ingress-nginx-controller" ? { ...r, metadata: { ...r.metadata, annotations: { "metallb.io/loadBalancerIPs": "10.0.0.9" } } } : r)),
          ),
        },
  );
  // MetalLB first, with time to spare; then ingress-nginx alone, whose run ends at its deadline.
  await deploy(client, flights.filter((flight) => flight.name !== "ingress-nginx"));
  const ingress = flights.filter((flight) => flight.name === "ingress-nginx").map((flight) => ({ ...flight, needs: [], addressesFrom: [] }));
  await t.rejects(deploy(client, ingress, { timeoutMs: 3000 }), /timed out after 3s \(the deploy's --timeout\) waiting for Service\/ingress-nginx\/ingress-nginx-controller: last seen no load balancer address yet \(asked for 10\.0\.0\.9\)/);
});

t.test("a resource a flight stops rendering is pruned; CRDs are kept", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  await deploy(client, examplePlan());
  const trimmed = examplePlan().map((flight) =>
    flight.name !== "metallb"
      ? flight
      : { ...flight, stages: flight.stages.map((stage) => stage.filter((r) => r.metadata.name !== "metallb-excludel2" && r.metadata.name !== "communities.metallb.io")) },
  );
  const { summaries } = await deploy(client, trimmed);
  t.equal(summaries[0]!.counts.pruned, 1);
  t.equal(summaries[0]!.counts.kept, 1);
  t.notOk(server.get("v1", "ConfigMap", "metallb-system", "metallb-excludel2"), "the ConfigMap is gone");
  t.ok(server.get("apiextensions.k8s.io/v1", "CustomResourceDefinition", undefined, "communities.metallb.io"), "the CRD stays");
});

t.test("a field taken over by another manager stops the run and names --force-conflicts", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  await deploy(client, examplePlan());
  server.applyAs("kubectl-edit", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "ingress-nginx-controller", namespace: "ingress-nginx" }, spec: { revisionHistoryLimit: 5 } }, true);
  await t.rejects(deploy(client, examplePlan()), /Deployment\/ingress-nginx\/ingress-nginx-controller: conflict with "kubectl-edit": \.spec\.revisionHistoryLimit; .*--force-conflicts/);
  await deploy(client, examplePlan(), { forceConflicts: true });
  t.equal(server.get("apps/v1", "Deployment", "ingress-nginx", "ingress-nginx-controller")!.spec.revisionHistoryLimit, 10);
});

t.test("an object of another release is not taken over without --force-ownership", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  server.applyAs("yoke", { apiVersion: "v1", kind: "Namespace", metadata: { name: "metallb-system", annotations: { "instance.atc.yoke.cd/release": "lab", "instance.atc.yoke.cd/namespace": "default" } } });
  await t.rejects(deploy(client, examplePlan()), /Namespace\/_\/metallb-system belongs to release default\/lab, not metallb-system\/metallb; re-run with --force-ownership/);
  const { summaries } = await deploy(client, examplePlan(), { forceOwnership: true });
  t.equal(summaries.length, 3);
});

t.test("--dry-run and --diff write nothing", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  await deploy(client, examplePlan());
  server.clearLog();
  const changed = examplePlan().map((f) => (f.name === "metallb" ? { ...f, input: {}, stages: f.stages.map((s) => s.map((r) => (r.kind === "ConfigMap" ? { ...r, data: { "excludel2.yaml": "announcedInterfacesToExclude: []\n" } } : r))) } : f));
  const { events } = await deploy(client, changed, { diff: true });
  t.same(server.requests.filter((r) => r.mutating), []);
  const diffs = events.filter((e) => e.type === "resource" && e.diff !== undefined);
  t.same(diffs.map((e) => e.type === "resource" && `${e.outcome} ${e.resource}`), ["would change ConfigMap/metallb-system/metallb-excludel2"], "the one changed object, with its diff");
  t.match(diffs[0], { diff: /\+ data\.excludel2\.yaml: "announcedInterfacesToExclude: \[\]\\n"/ });
});

async function until(predicate: () => unknown, timeoutMs = 60_000): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > end) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
