// The fake API server speaks the real protocol: kubectl and @kubernetes/client-node use it as is.
import t from "tap";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CoreV1Api, KubeConfig, Watch } from "@kubernetes/client-node";
import { fakeCluster } from "./helpers/cluster.ts";

const run = promisify(execFile);

t.test("kubectl applies server-side, reads back, and sees discovery", async (t) => {
  const { server, kubeconfig } = await fakeCluster();
  t.teardown(() => server.close());
  const dir = t.testdir();
  const file = join(dir, "objects.yaml");
  writeFileSync(file, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c1\n  namespace: demo\ndata:\n  a: b\n");
  const apply = await run("kubectl", ["--kubeconfig", kubeconfig, "apply", "--server-side", "--validate=false", "-f", file]);
  t.match(apply.stdout, /namespace\/demo serverside-applied\nconfigmap\/c1 serverside-applied/);
  const got = await run("kubectl", ["--kubeconfig", kubeconfig, "get", "cm", "c1", "-n", "demo", "-o", "jsonpath={.data.a} {.metadata.managedFields[0].manager}"]);
  t.equal(got.stdout, "b kubectl");
});

t.test("client-node lists, and a no-op apply keeps the resourceVersion", async (t) => {
  const { server, kubeconfig } = await fakeCluster();
  t.teardown(() => server.close());
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  const core = config.makeApiClient(CoreV1Api);
  server.applyAs("test", { apiVersion: "v1", kind: "Namespace", metadata: { name: "demo" } });
  const before = server.get("v1", "Namespace", undefined, "demo")!.metadata.resourceVersion;
  server.applyAs("test", { apiVersion: "v1", kind: "Namespace", metadata: { name: "demo" } });
  t.equal(server.get("v1", "Namespace", undefined, "demo")!.metadata.resourceVersion, before);
  const list = await core.listNamespace();
  t.same(list.items.map((ns) => ns.metadata?.name), ["default", "kube-system", "kube-public", "kube-node-lease", "demo"], "the namespaces every cluster starts with, then the new one");
});

t.test("watches deliver changes; conflicts have the API's message", async (t) => {
  const { server, kubeconfig } = await fakeCluster();
  t.teardown(() => server.close());
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  server.applyAs("test", { apiVersion: "v1", kind: "Namespace", metadata: { name: "demo" } });
  const seen: string[] = [];
  const watching = server.nextRequest((request) => request.watch && request.path === "/api/v1/namespaces/demo/configmaps");
  const done = new Promise<void>((resolve) => {
    void new Watch(config).watch("/api/v1/namespaces/demo/configmaps", {}, (type, object) => {
      seen.push(`${type} ${object.metadata.name} ${object.data?.k}`);
      if (seen.length === 2) resolve();
    }, () => undefined).then((req) => t.teardown(() => req.abort()));
  });
  await watching;
  server.applyAs("a", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "demo" }, data: { k: "1" } });
  server.applyAs("a", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "demo" }, data: { k: "2" } });
  await done;
  t.same(seen, ["ADDED c 1", "MODIFIED c 2"]);
  t.throws(
    () => server.applyAs("b", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "demo" }, data: { k: "3" } }),
    /Apply failed with 1 conflict: conflict with "a": \.data\.k/,
  );
});

t.test("simulated controllers: CRD discovery, the MetalLB webhook, LB addresses, Jobs", async (t) => {
  // Ordered by events, never by sleeping: each step is held or awaited, so a busy machine
  // changes how long this takes, not what it sees.
  const { server, client } = await fakeCluster({ delays: { crdEstablished: 20, rollout: 20, caBundle: 20, loadBalancer: 10, jobComplete: 10 } });
  t.teardown(() => server.close());
  const crd = { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name: "ipaddresspools.metallb.io" }, spec: { group: "metallb.io", names: { kind: "IPAddressPool", plural: "ipaddresspools" }, scope: "Namespaced", versions: [{ name: "v1beta1", served: true, storage: true }] } };
  server.hold("crd-established");
  server.applyAs("test", crd);
  t.equal(await client.getOrUndefined("/apis/metallb.io/v1beta1"), undefined, "not served before Established");
  const established = server.nextGate("crd-established");
  server.release("crd-established");
  await established;
  t.ok((await client.json("GET", "/apis/metallb.io/v1beta1")).resources.some((r: { kind: string }) => r.kind === "IPAddressPool"));
  server.applyAs("test", { apiVersion: "v1", kind: "Namespace", metadata: { name: "metallb-system" } });
  server.applyAs("test", { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration", metadata: { name: "metallb-webhook-configuration" }, webhooks: [{ name: "ipaddresspoolvalidationwebhook.metallb.io", clientConfig: { service: { name: "metallb-webhook-service", namespace: "metallb-system" } } }] });
  const poolObject = { apiVersion: "metallb.io/v1beta1", kind: "IPAddressPool", metadata: { name: "lan", namespace: "metallb-system" }, spec: { addresses: ["10.0.0.3/32"] } };
  t.throws(() => server.applyAs("test", poolObject), /failed calling webhook "ipaddresspoolvalidationwebhook.metallb.io": failed to call webhook: Post "https:\/\/metallb-webhook-service\.metallb-system\.svc:443\/validate-metallb-io-v1beta1-ipaddresspool\?timeout=10s": dial tcp 10\.96\.0\.10:443: connect: connection refused/);
  const serving = server.nextGate("webhook-serving");
  server.applyAs("test", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "metallb-controller", namespace: "metallb-system" }, spec: { template: { spec: { containers: [{ name: "controller", image: "quay.io/metallb/controller:v0.16.1" }] } } } });
  await serving;
  const service = { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "metallb-system", annotations: { "metallb.io/loadBalancerIPs": "10.0.0.3" } }, spec: { type: "LoadBalancer" } };
  server.hold("lb-ip-assigned");
  server.applyAs("test", service);
  server.release("lb-ip-assigned");
  t.notOk(server.get("v1", "Service", "metallb-system", "web")!.status, "MetalLB's allocation ran with no pool: pending");
  const assigned = server.nextGate("lb-ip-assigned", "Service/metallb-system/web");
  server.applyAs("test", poolObject);
  await assigned;
  t.same(server.get("v1", "Service", "metallb-system", "web")!.status.loadBalancer.ingress, [{ ip: "10.0.0.3", ipMode: "VIP" }]);
  const deleted = server.nextGate("job-deleted", "Job/metallb-system/once");
  server.applyAs("test", { apiVersion: "batch/v1", kind: "Job", metadata: { name: "once", namespace: "metallb-system" }, spec: { ttlSecondsAfterFinished: 0 } });
  await deleted;
  t.notOk(server.get("batch/v1", "Job", "metallb-system", "once"), "a finished Job with TTL 0 vanishes");
  t.same(server.events.map((e) => e.kind).filter((k) => k === "job-complete" || k === "job-deleted"), ["job-complete", "job-deleted"]);
});

t.test("faults fire at the chosen request and are recorded", async (t) => {
  const { server, client } = await fakeCluster({ faults: [{ method: "GET", path: "/api/v1", nth: 2, kind: 503 }] });
  t.teardown(() => server.close());
  await client.json("GET", "/api/v1");
  await client.json("GET", "/api/v1");
  t.same(server.requests.map((r) => r.status), [200, 503, 200]);
  await client.json("PATCH", "/api/v1/namespaces/x", { query: { fieldManager: "t", dryRun: "All" }, body: '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"x"}}', contentType: "application/apply-patch+yaml" });
  t.match(server.requests.at(-1), { method: "PATCH", dryRun: true, mutating: false });
  t.notOk(server.get("v1", "Namespace", undefined, "x"), "a dry run stores nothing");
});

t.test("ownership: Update writes move fields, apply shares equal ones and forces conflicting ones", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  server.updateAs("test", { apiVersion: "v1", kind: "Namespace", metadata: { name: "demo" } });
  server.updateAs("helm", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "demo", labels: { "app.kubernetes.io/managed-by": "Helm" } }, data: { a: "1", b: "2" } });
  const managers = () => server.get("v1", "ConfigMap", "demo", "c")!.metadata.managedFields.map((entry: any) => `${entry.manager} ${entry.operation} ${Object.keys(entry.fieldsV1["f:data"] ?? {}).join(",")}`);
  t.same(managers(), ["helm Update f:a,f:b"]);
  await t.rejects(
    client.json("PATCH", "/api/v1/namespaces/demo/configmaps/c", { query: { fieldManager: "yoke" }, contentType: "application/apply-patch+yaml", body: JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", labels: { "app.kubernetes.io/managed-by": "yoke" } }, data: { a: "1" } }) }),
    /conflict with "helm" using v1: \.metadata\.labels\.app\.kubernetes\.io\/managed-by/,
  );
  server.applyAs("yoke", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "demo", labels: { "app.kubernetes.io/managed-by": "yoke" } }, data: { a: "1" } }, true);
  t.same(managers(), ["helm Update f:a,f:b", "yoke Apply f:a"], "an equal value is shared; the forced label moved to yoke");
  await client.json("PATCH", "/api/v1/namespaces/demo/configmaps/c", { query: { fieldManager: "kubectl-edit" }, contentType: "application/merge-patch+json", body: JSON.stringify({ data: { a: "9", b: null } }) });
  t.same(server.get("v1", "ConfigMap", "demo", "c")!.data, { a: "9" });
  // kube-apiserver v1.37 keeps helm's entry there, owning only the data and labels maps ("."),
  // which the fake does not model; the fields themselves move exactly as here.
  t.same(managers().filter((entry: string) => !entry.startsWith("helm")), ["yoke Apply ", "kubectl-edit Update f:a"], "an update takes a changed field from every owner; a removed field leaves them all");
});

t.test("JSON patch: test, remove with escaped keys, and rewritten managedFields replacing the owners", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  server.updateAs("test", { apiVersion: "v1", kind: "Namespace", metadata: { name: "demo" } });
  server.updateAs("helm", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "demo", annotations: { "meta.helm.sh/release-name": "r" } }, data: { a: "1" } });
  server.applyAs("yoke", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "demo" }, data: { a: "1" } });
  const live = server.get("v1", "ConfigMap", "demo", "c")!;
  const path = "/api/v1/namespaces/demo/configmaps/c";
  const patch = (operations: unknown[]) => client.json("PATCH", path, { query: { fieldManager: "yoke" }, contentType: "application/json-patch+json", body: JSON.stringify(operations) });
  await t.rejects(patch([{ op: "test", path: "/metadata/resourceVersion", value: "1" }]), { message: "the server rejected our request due to an error in our request" });
  await patch([
    { op: "test", path: "/metadata/resourceVersion", value: live.metadata.resourceVersion },
    { op: "remove", path: "/metadata/annotations/meta.helm.sh~1release-name" },
    { op: "replace", path: "/metadata/managedFields", value: live.metadata.managedFields.filter((entry: any) => entry.manager !== "helm") },
  ]);
  const after = server.get("v1", "ConfigMap", "demo", "c")!;
  t.equal(after.metadata.annotations, undefined, "the emptied map is dropped, as ObjectMeta's omitempty does");
  t.same(after.metadata.managedFields.map((entry: any) => entry.manager), ["yoke"]);
  t.same(after.data, { a: "1" });
});

t.test("a pod template change makes a new ReplicaSet or ControllerRevision; anything else does not", async (t) => {
  const { server } = await fakeCluster();
  t.teardown(() => server.close());
  server.updateAs("test", { apiVersion: "v1", kind: "Namespace", metadata: { name: "demo" } });
  const template = (image: string) => ({ metadata: { labels: { app: "x" } }, spec: { containers: [{ name: "x", image }] } });
  const deployment = (image: string, extra = {}) => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d", namespace: "demo", ...extra }, spec: { selector: { matchLabels: { app: "x" } }, template: template(image) } });
  const daemonSet = (image: string) => ({ apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "s", namespace: "demo" }, spec: { selector: { matchLabels: { app: "x" } }, template: template(image) } });
  server.applyAs("a", deployment("x:1"));
  server.applyAs("a", daemonSet("x:1"));
  const names = (kind: string) => server.list("apps/v1", kind).map((object) => object.metadata.name);
  t.equal(names("ReplicaSet").length, 1);
  t.match(names("ReplicaSet")[0], /^d-[bcdfghjklmnpqrstvwxz2456789]+$/);
  t.equal(server.list("apps/v1", "ReplicaSet")[0]!.spec.template.metadata.labels["pod-template-hash"], names("ReplicaSet")[0]!.slice(2));
  server.applyAs("a", deployment("x:1", { labels: { team: "lan" } }));
  t.equal(names("ReplicaSet").length, 1, "object labels are not the pod template");
  const generation = server.get("apps/v1", "Deployment", "demo", "d")!.metadata.generation;
  server.applyAs("a", deployment("x:1", { labels: { team: "lan" }, annotations: { note: "x" } }));
  t.equal(server.get("apps/v1", "Deployment", "demo", "d")!.metadata.generation, generation + 1, "a Deployment's annotations move its generation");
  t.equal(names("ReplicaSet").length, 1, "but roll nothing");
  server.applyAs("a", deployment("x:2"));
  server.applyAs("a", daemonSet("x:2"));
  t.equal(names("ReplicaSet").length, 2);
  t.same(server.list("apps/v1", "ControllerRevision").map((revision) => revision.revision).sort(), [1, 2]);
});
