// The applier against a real kube-apiserver and etcd: the same scenarios as against the fake
// (stages, server-side apply, readiness, revisions, no-op re-run, conflicts, prune), with the
// test playing the controllers. MetalLB's pool stays on the fake: creating it calls MetalLB's
// webhook, which needs a pod behind a Service, and nothing here can run one.
import t from "tap";
import { gunzipSync } from "node:zlib";
import { KubeClient } from "../lib/kube/client.ts";
import type { PlannedFlight } from "../lib/flight/plan.ts";
import { deploy, examplePlan, fastRetry } from "./helpers/cluster.ts";
import { startRealApiServer, type RealApiServer } from "./helpers/real-apiserver.ts";
import { ControllerPlayer } from "./helpers/play-controllers.ts";
import { goDeepEqual, yokeRevisionSecret, yokeStages } from "./helpers/yoke.ts";
import { Discovery } from "../lib/kube/discovery.ts";
import { releaseHash } from "../lib/kube/revision.ts";
import type { Resource } from "../lib/flight/contract.ts";

const mutating = new Set(["create", "update", "patch", "delete", "deletecollection"]);

/** metallb and ingress-nginx of the example; ingress-nginx then needs only metallb. */
function plan(): PlannedFlight[] {
  return examplePlan()
    .filter((flight) => flight.name !== "metallb-pool")
    .map((flight) => (flight.name === "ingress-nginx" ? { ...flight, needs: ["metallb"], addressesFrom: [] } : flight));
}

const objectCount = (flight: PlannedFlight) => flight.stages.flat().length;

let server: RealApiServer;
let client: KubeClient;
let player: ControllerPlayer;

t.before(async () => {
  server = await startRealApiServer();
  client = await KubeClient.create({ kubeconfig: server.kubeconfig, retry: fastRetry });
  player = new ControllerPlayer(await KubeClient.create({ kubeconfig: server.controllersKubeconfig, retry: fastRetry })).start();
});
t.teardown(async () => {
  await player.stop();
  await server.close();
});

const get = (path: string) => client.json("GET", path);

t.test("on the fresh server, a dry run and a diff of the whole example would create everything and write nothing", async (t) => {
  const flights = examplePlan();
  for (const mode of [{ dryRun: true }, { diff: true }]) {
    const before = server.audit().length;
    const { summaries } = await deploy(client, flights, mode);
    t.same(summaries.map((s) => s.counts["would create"]), flights.map(objectCount), `${Object.keys(mode)[0]}: every object would be created`);
    const writes = server.audit().slice(before).filter((e) => mutating.has(e.verb) && !e.requestURI.includes("dryRun=All"));
    t.same(writes.map((e) => `${e.verb} ${e.requestURI}`), [], `${Object.keys(mode)[0]}: nothing written`);
  }
  await t.rejects(get("/api/v1/namespaces/metallb-system"), { name: "ApiRequestError", status: 404 }, "not even the namespace");
});

t.test("the example's MetalLB and ingress-nginx deploy end to end on a real API server", async (t) => {
  const flights = plan();
  const { summaries, events } = await deploy(client, flights);
  t.same(summaries.map((s) => s.flight), ["metallb", "ingress-nginx"]);
  t.same(summaries.map((s) => s.counts.created), flights.map(objectCount), "every rendered object was created");

  const service = await get("/api/v1/namespaces/ingress-nginx/services/ingress-nginx-controller");
  t.same(service.status.loadBalancer.ingress, [{ ip: "10.0.0.3", ipMode: "VIP" }]);
  t.same(service.metadata.managedFields.filter((f: { operation: string }) => f.operation === "Apply").map((f: { manager: string }) => f.manager), ["yoke"], "applied server-side by field manager yoke");
  t.equal(service.metadata.annotations["instance.atc.yoke.cd/release"], "ingress-nginx");
  t.same(events.filter((e) => e.type === "address"), [{ type: "address", flight: "ingress-nginx", address: "10.0.0.3", holder: "Service ingress-nginx/ingress-nginx-controller" }]);

  const crds = await get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions");
  const metallbCrds = crds.items.filter((crd: { spec: { group: string } }) => crd.spec.group === "metallb.io");
  t.ok(metallbCrds.length > 0 && metallbCrds.every((crd: { status: { conditions: { type: string; status: string }[] } }) => crd.status.conditions.some((c) => c.type === "Established" && c.status === "True")), "the real server established every MetalLB CRD");

  // The played controllers wrote what the gates wait for; the applier saw every one of them.
  const played = player.writes.map((w) => w.kind);
  t.ok(played.includes("Deployment") && played.includes("DaemonSet") && played.includes("Job") && played.includes("Service"));
});

t.test("release records are yoke revision Secrets the real server stores", async (t) => {
  const secrets = await get("/api/v1/namespaces/metallb-system/secrets?labelSelector=internal.yoke%2Fkind%3Drevision");
  t.equal(secrets.items.length, 1, "one revision for metallb");
  const [secret] = secrets.items;
  t.match(secret.metadata.name, /^yoke\.[0-9a-f]{12}$/);
  const stages = JSON.parse(gunzipSync(Buffer.from(secret.data.resources, "base64")).toString());
  t.same(stages, plan()[0]!.stages.map((stage) => stage.map((r) => r.kind)).map((kinds, i) => stages[i].filter((r: { kind: string }) => kinds.includes(r.kind))), "the stored stages are the applied ones");
  t.equal(secret.metadata.annotations["internal.yoke/resources"], String(stages.flat().length));
});

/** For each flight of the plan, whether yoke's setTargetNS would default each object's namespace. */
async function scopes(flights: PlannedFlight[]): Promise<(resource: Resource) => boolean> {
  const discovery = new Discovery(client);
  const found = new Map<string, boolean>();
  for (const resource of flights.flatMap((flight) => flight.stages.flat())) {
    found.set(`${resource.apiVersion} ${resource.kind}`, (await discovery.find(resource.apiVersion, resource.kind))!.namespaced);
  }
  return (resource) => found.get(`${resource.apiVersion} ${resource.kind}`)!;
}

const revisionsOf = async (flight: PlannedFlight) =>
  (await get(`/api/v1/namespaces/${flight.namespace}/secrets?labelSelector=${encodeURIComponent(`internal.yoke/kind=revision,internal.yoke/release=${releaseHash(flight.release)}`)}`)).items;

t.test("hangar's records, read as yoke reads them, equal what yoke takeoff would record: yoke would skip the takeoff", async (t) => {
  const namespaced = await scopes(plan());
  for (const flight of plan()) {
    const [record] = await revisionsOf(flight);
    const stored = JSON.parse(gunzipSync(Buffer.from(record.data.resources, "base64")).toString());
    t.ok(goDeepEqual(stored, yokeStages(flight.stages, flight.release, flight.namespace, namespaced)), `${flight.name}: reflect.DeepEqual holds`);
  }
});

t.test("after yoke takeoff (its record in Go's sorted-key JSON), a hangar deploy with nothing changed records nothing and writes nothing", async (t) => {
  const namespaced = await scopes(plan());
  for (const flight of plan()) {
    // The release as yoke would have left it: the same objects, and only yoke's record.
    for (const record of await revisionsOf(flight)) await client.json("DELETE", `/api/v1/namespaces/${flight.namespace}/secrets/${record.metadata.name}`);
    const secret = yokeRevisionSecret(flight.release, flight.namespace, yokeStages(flight.stages, flight.release, flight.namespace, namespaced), new Date());
    await client.json("POST", `/api/v1/namespaces/${flight.namespace}/secrets`, { query: { fieldManager: "yoke" }, body: JSON.stringify(secret) });
  }
  const before = server.audit().length;
  const { summaries } = await deploy(client, plan());
  const writes = server.audit().slice(before).filter((e) => mutating.has(e.verb));
  t.same(writes.map((e) => `${e.verb} ${e.requestURI}`), [], "no writes");
  t.same(summaries.map((s) => s.newRevision), [false, false], "no new revision");
});

t.test("a re-run with nothing changed makes no mutating request and no dry run", async (t) => {
  const before = server.audit().length;
  const { summaries } = await deploy(client, plan());
  const requests = server.audit().slice(before).filter((e) => !e.requestURI.startsWith("/readyz"));
  const writes = requests.filter((e) => mutating.has(e.verb));
  t.same(writes.map((e) => `${e.verb} ${e.requestURI}`), [], "no writes");
  t.same(requests.filter((e) => e.requestURI.includes("dryRun")).length, 0, "no dry runs");
  t.same(summaries.map((s) => [s.counts.unchanged, s.newRevision]), plan().map((f) => [objectCount(f), false]));
});

t.test("a field another manager took stops the run until --force-conflicts", async (t) => {
  const deployment = "/apis/apps/v1/namespaces/ingress-nginx/deployments/ingress-nginx-controller";
  await client.json("PATCH", deployment, {
    query: { fieldManager: "kubectl-edit", force: "true" },
    body: JSON.stringify({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "ingress-nginx-controller", namespace: "ingress-nginx" }, spec: { revisionHistoryLimit: 5 } }),
    contentType: "application/apply-patch+yaml",
  });
  await t.rejects(deploy(client, plan()), /Deployment\/ingress-nginx\/ingress-nginx-controller: conflict with "kubectl-edit".*\.spec\.revisionHistoryLimit; .*--force-conflicts/);
  await deploy(client, plan(), { forceConflicts: true });
  t.equal((await get(deployment)).spec.revisionHistoryLimit, 10, "hangar's value is back");
});

t.test("what a flight stops rendering is pruned from the real server; CRDs are kept", async (t) => {
  const [metallb] = plan();
  const configMap = metallb!.stages.flat().find((r) => r.kind === "ConfigMap")!;
  const crd = metallb!.stages.flat().find((r) => r.kind === "CustomResourceDefinition")!;
  const trimmed = plan().map((flight) =>
    flight.name !== "metallb" ? flight : { ...flight, stages: flight.stages.map((stage) => stage.filter((r) => r !== configMap && r.metadata.name !== crd.metadata.name)) },
  );
  // The trimmed plan is built from fresh renders, so compare by name.
  const kept = trimmed.map((f) => ({ ...f, stages: f.stages.map((s) => s.filter((r) => !(r.kind === "ConfigMap" && r.metadata.name === configMap.metadata.name))) }));
  const { summaries } = await deploy(client, kept);
  t.equal(summaries[0]!.counts.pruned, 1, "the ConfigMap");
  t.equal(summaries[0]!.counts.kept, 1, "the CRD");
  // Deleted in the foreground, as yoke does: the real server marks it and leaves the last step to
  // the garbage collector, which is part of kube-controller-manager and does not run here.
  const deleted = await get(`/api/v1/namespaces/metallb-system/configmaps/${configMap.metadata.name}`);
  t.ok(deleted.metadata.deletionTimestamp, "marked for deletion");
  t.same(deleted.metadata.finalizers, ["foregroundDeletion"]);
  t.ok(await get(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`));
});
