// The fake API server held to the real one: the same requests, in the same order, against the
// fake and a real kube-apiserver, and the parts of each answer hangar relies on compared.
// Where the two differ on purpose the difference is named here with its reason:
// - a foreground DELETE: the real server marks the object and waits for the garbage collector
//   (kube-controller-manager, not running here); the fake removes it at once, as a whole
//   cluster ends up doing;
// - zero values (`minReadySeconds: 0`): the real server omits them when it answers, the fake
//   echoes them; hangar's no-op check treats both the same (lib/kube/subset.ts).
import t from "tap";
import { KubeClient, type Json } from "../lib/kube/client.ts";
import { ApiRequestError } from "../lib/kube/retry.ts";
import { fakeCluster, fastRetry } from "./helpers/cluster.ts";
import { startRealApiServer } from "./helpers/real-apiserver.ts";
import { testCrd } from "./helpers/test-flights.ts";

type Step = [name: string, run: (client: KubeClient) => Promise<unknown>];

const applyQuery = (manager: string, extra: Record<string, string> = {}) => ({ fieldManager: manager, force: "false", ...extra });
const yaml = "application/apply-patch+yaml";

async function answer(run: () => Promise<Json>): Promise<Json> {
  try {
    return { ok: await run() };
  } catch (error) {
    if (!(error instanceof ApiRequestError)) throw error;
    return { status: error.status, reason: error.reason, message: error.message.split("\n")[0] };
  }
}

const configMap = (data: Record<string, string>) => JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "probe", namespace: "conformance" }, data });
const crd = JSON.stringify(testCrd("conformance.hangar.dev", "Widget", { type: "object", properties: { spec: { type: "object", properties: { size: { type: "integer" } } } } }));
const managers = (object: Json) => (object.metadata.managedFields ?? []).map((f: Json) => `${f.manager}/${f.operation}`).sort();

const steps: Step[] = [
  ["discovery names the kinds hangar applies, with their scope", async (c) => {
    const core = await c.json("GET", "/api/v1");
    const apps = await c.json("GET", "/apis/apps/v1");
    const pick = (list: Json, names: string[]) => list.resources.filter((r: Json) => names.includes(r.name)).map((r: Json) => [r.name, r.kind, r.namespaced]).sort();
    return [pick(core, ["namespaces", "configmaps", "services", "secrets"]), pick(apps, ["deployments", "daemonsets"])];
  }],
  ["an object in a namespace that does not exist is NotFound", (c) => answer(() =>
    c.json("PATCH", "/api/v1/namespaces/conformance/configmaps/probe", { query: applyQuery("yoke"), body: configMap({ a: "1" }), contentType: yaml }))],
  ["a namespace applied server-side", async (c) => {
    const ns = await c.json("PATCH", "/api/v1/namespaces/conformance", { query: applyQuery("yoke"), body: JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "conformance" } }), contentType: yaml });
    return [ns.status?.phase, ns.metadata.labels, managers(ns)];
  }],
  ["a server dry run answers the object and stores nothing", async (c) => {
    const dry = await c.json("PATCH", "/api/v1/namespaces/conformance/configmaps/probe", { query: applyQuery("yoke", { dryRun: "All" }), body: configMap({ a: "1" }), contentType: yaml });
    return [dry.data, managers(dry), await answer(() => c.json("GET", "/api/v1/namespaces/conformance/configmaps/probe"))];
  }],
  ["apply creates, a repeated apply changes nothing, not even the resourceVersion", async (c) => {
    const first = await c.json("PATCH", "/api/v1/namespaces/conformance/configmaps/probe", { query: applyQuery("yoke"), body: configMap({ a: "1" }), contentType: yaml });
    const again = await c.json("PATCH", "/api/v1/namespaces/conformance/configmaps/probe", { query: applyQuery("yoke"), body: configMap({ a: "1" }), contentType: yaml });
    return [first.data, managers(first), again.metadata.resourceVersion === first.metadata.resourceVersion];
  }],
  ["another manager's apply of a field it does not own is a conflict naming manager and field", (c) => answer(() =>
    c.json("PATCH", "/api/v1/namespaces/conformance/configmaps/probe", { query: applyQuery("kubectl-edit"), body: configMap({ a: "2" }), contentType: yaml }))],
  ["with force it takes the field over, and both managers are recorded", async (c) => {
    const forced = await c.json("PATCH", "/api/v1/namespaces/conformance/configmaps/probe", { query: { fieldManager: "kubectl-edit", force: "true" }, body: configMap({ a: "2" }), contentType: yaml });
    return [forced.data, managers(forced)];
  }],
  ["a label selector lists only the matching objects", async (c) => {
    await c.json("PATCH", "/api/v1/namespaces/conformance/secrets/yoke.rev", { query: applyQuery("yoke"), contentType: yaml, body: JSON.stringify({ apiVersion: "v1", kind: "Secret", metadata: { name: "yoke.rev", namespace: "conformance", labels: { "internal.yoke/kind": "revision" } }, stringData: { resources: "[]" } }) });
    const list = await c.json("GET", "/api/v1/namespaces/conformance/secrets", { query: { labelSelector: "internal.yoke/kind=revision" } });
    return [list.kind, list.items.map((s: Json) => [s.metadata.name, Buffer.from(s.data.resources, "base64").toString()])];
  }],
  // Discovery of the new group may lag the condition on a real server by a moment; hangar does not
  // wait for it (kinds of a flight's own CRDs come from the CRDs), so the names the CRD accepted are compared.
  ["a CRD becomes Established with the names it asked for", async (c) => {
    await c.json("PATCH", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.conformance.hangar.dev", { query: applyQuery("yoke"), body: crd, contentType: yaml });
    const established = await waitFor(c, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", "widgets.conformance.hangar.dev", (o) => o.status?.conditions?.some((x: Json) => x.type === "Established" && x.status === "True"));
    const live = await c.json("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.conformance.hangar.dev");
    return [established, live.status.acceptedNames];
  }],
  ["quantities are stored canonically (1024Mi as 1Gi); an apply of the same values in another spelling changes nothing", async (c) => {
    const deployment = (limits: Record<string, string>, sizeLimit: string) => JSON.stringify({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "quantities", namespace: "conformance" },
      spec: {
        selector: { matchLabels: { app: "quantities" } },
        template: {
          metadata: { labels: { app: "quantities" } },
          spec: { containers: [{ name: "main", image: "registry.example/q:1", resources: { limits, requests: { cpu: "0.1" } } }], volumes: [{ name: "scratch", emptyDir: { sizeLimit } }] },
        },
      },
    });
    const path = "/apis/apps/v1/namespaces/conformance/deployments/quantities";
    const first = await c.json("PATCH", path, { query: applyQuery("yoke"), body: deployment({ memory: "1024Mi", cpu: "1000m", "ephemeral-storage": "1.5Gi" }, "0.5Ki"), contentType: yaml });
    const again = await c.json("PATCH", path, { query: applyQuery("yoke"), body: deployment({ memory: "1Gi", cpu: "1", "ephemeral-storage": "1536Mi" }, "512"), contentType: yaml });
    const pod = first.spec.template.spec;
    return [pod.containers[0].resources, pod.volumes[0].emptyDir, again.metadata.resourceVersion === first.metadata.resourceVersion];
  }],
  // Readiness must come from what hangar asked for, never from an item's own kind.
  ["list items of a built-in kind carry no kind or apiVersion; of a custom kind they do; GETs and watch events always do", async (c) => {
    await c.json("PATCH", "/apis/conformance.hangar.dev/v1/namespaces/conformance/widgets/w", { query: applyQuery("yoke"), contentType: yaml, body: JSON.stringify({ apiVersion: "conformance.hangar.dev/v1", kind: "Widget", metadata: { name: "w", namespace: "conformance" }, spec: { size: 1 } }) });
    const typeOf = (object: Json) => [object.kind ?? "(no kind)", object.apiVersion ?? "(no apiVersion)"];
    const lists = await Promise.all(["/api/v1/namespaces/conformance/configmaps", "/apis/conformance.hangar.dev/v1/namespaces/conformance/widgets", "/api/v1/namespaces"].map((path) => c.json("GET", path)));
    const got = await c.json("GET", "/api/v1/namespaces/conformance/configmaps/probe");
    const abort = new AbortController();
    const events: Json[] = [];
    // Without a resourceVersion a watch starts with the current objects, as ADDED.
    await c.watch("/api/v1/namespaces/conformance/configmaps", { fieldSelector: "metadata.name=probe" }, (event) => {
      if (event.type === "BOOKMARK") return;
      events.push(typeOf(event.object));
      abort.abort();
    }, abort.signal).catch(() => undefined);
    return { lists: lists.map((list) => [typeOf(list), [...new Set(list.items.map((item: Json) => typeOf(item).join(" ")))]]), get: typeOf(got), events };
  }],
  ["a watch from a list's resourceVersion sees a later change, as MODIFIED", async (c) => {
    const list = await c.json("GET", "/api/v1/namespaces/conformance/configmaps", { query: { fieldSelector: "metadata.name=probe" } });
    const seen: string[] = [];
    const abort = new AbortController();
    const watching = c.watch("/api/v1/namespaces/conformance/configmaps", { resourceVersion: list.metadata.resourceVersion, fieldSelector: "metadata.name=probe" }, (event) => {
      if (event.type === "BOOKMARK") return;
      seen.push(`${event.type} ${event.object.data?.a}`);
      abort.abort();
    }, abort.signal);
    await c.json("PATCH", "/api/v1/namespaces/conformance/configmaps/probe", { query: { fieldManager: "kubectl-edit", force: "true" }, body: configMap({ a: "3" }), contentType: yaml });
    await watching;
    return seen;
  }],
  ["a missing object is NotFound", (c) => answer(() => c.json("GET", "/api/v1/namespaces/conformance/configmaps/absent"))],
  // The deploy lock: a Lease in kube-system, created once, then changed only with the resourceVersion last read.
  ["kube-system exists from the start; a Lease is created once, and a patch with a stale resourceVersion is a Conflict", async (c) => {
    const system = await c.json("GET", "/api/v1/namespaces/kube-system");
    const leases = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases";
    const lease = JSON.stringify({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "conformance-lock", namespace: "kube-system" }, spec: { holderIdentity: "a@host pid 1", leaseDurationSeconds: 60, acquireTime: "2026-01-02T03:04:05.000000Z", renewTime: "2026-01-02T03:04:05.000000Z", leaseTransitions: 0 } });
    const created = await c.json("POST", leases, { body: lease });
    const again = await answer(() => c.json("POST", leases, { body: lease }));
    const patch = (resourceVersion: string, spec: Json) => c.json("PATCH", `${leases}/conformance-lock`, { body: JSON.stringify({ metadata: { resourceVersion }, spec }), contentType: "application/merge-patch+json" });
    const taken = await patch(created.metadata.resourceVersion, { holderIdentity: "b@host pid 2", leaseTransitions: 1 });
    const stale = await answer(() => patch(created.metadata.resourceVersion, { holderIdentity: "c@host pid 3" }));
    const released = await patch(taken.metadata.resourceVersion, { holderIdentity: null, acquireTime: null, renewTime: null });
    return [system.status.phase, created.spec, again, taken.spec, stale, released.spec];
  }],
];

/** Watches until the named object satisfies the predicate; answers true then. */
async function waitFor(c: KubeClient, path: string, name: string, predicate: (object: Json) => boolean): Promise<boolean> {
  const abort = new AbortController();
  const list = await c.json("GET", path, { query: { fieldSelector: `metadata.name=${name}` } });
  if (list.items.some(predicate)) return true;
  let met = false;
  await c.watch(path, { resourceVersion: list.metadata.resourceVersion, fieldSelector: `metadata.name=${name}` }, (event) => {
    if (event.type !== "BOOKMARK" && predicate(event.object)) {
      met = true;
      abort.abort();
    }
  }, abort.signal);
  return met;
}

t.test("the fake answers as the real kube-apiserver does", async (t) => {
  const real = await startRealApiServer();
  t.teardown(() => real.close());
  const fake = await fakeCluster();
  t.teardown(() => fake.server.close());
  const realClient = await KubeClient.create({ kubeconfig: real.kubeconfig, retry: fastRetry });
  for (const [name, run] of steps) {
    const expected = await run(realClient);
    const actual = await run(fake.client);
    t.same(actual, expected, name);
  }
});
