// Pure parts of the applier: retry policy, stage preparation, readiness rules, no-op detection.
import t from "tap";
import { ApiRequestError, backoffMs, isRetryable, isWebhookFailure } from "../lib/kube/retry.ts";
import { splitPreStages, withReleaseMetadata } from "../lib/kube/prepare.ts";
import { readiness, webhookCaReady } from "../lib/kube/readiness.ts";
import { containedIn } from "../lib/kube/subset.ts";
import { describeDiff } from "../lib/kube/diff.ts";
import { sameJson } from "../lib/kube/same.ts";
import { canonicalQuantity } from "../lib/kube/quantity.ts";
import { describeWorkloads, selects, workloadsBehind } from "../lib/kube/workloads.ts";
import { compareTimes } from "../lib/kube/revision.ts";

const policy = { attempts: 5, baseMs: 100, maxMs: 1000 };

t.test("backoff grows, is bounded, jitters, and obeys Retry-After", async (t) => {
  t.equal(backoffMs(policy, 1, undefined, 0), 50);
  t.equal(backoffMs(policy, 1, undefined, 0.999), 100);
  t.equal(backoffMs(policy, 3, undefined, 1), 400);
  t.equal(backoffMs(policy, 10, undefined, 1), 1000, "capped");
  t.equal(backoffMs(policy, 1, 3, 0.5), 3000, "Retry-After wins");
});

t.test("what is retried", async (t) => {
  const status = (code: number, message = "x") => new ApiRequestError(message, code, undefined, undefined);
  t.ok(isRetryable(status(429)));
  t.ok(isRetryable(status(503)));
  t.ok(isRetryable(new ApiRequestError("reset", undefined, undefined, "ECONNRESET")));
  t.notOk(isRetryable(status(409)), "conflicts need a person");
  t.notOk(isRetryable(status(404)));
  const webhook = status(500, 'Internal error occurred: failed calling webhook "ipaddresspoolvalidationwebhook.metallb.io": connection refused');
  t.notOk(isRetryable(webhook), "webhook failures belong to the webhook gate");
  t.ok(isWebhookFailure(webhook));
});

t.test("namespaces and CRDs of each stage go first", async (t) => {
  const r = (kind: string, name: string, apiVersion = "v1") => ({ apiVersion, kind, metadata: { name } });
  const stages = splitPreStages([[r("ConfigMap", "a"), r("Namespace", "n"), r("CustomResourceDefinition", "c", "apiextensions.k8s.io/v1")], [r("Secret", "s")]]);
  t.same(stages.map((stage) => stage.map((x) => x.metadata.name)), [["n", "c"], ["a"], ["s"]]);
});

t.test("release metadata and namespace defaulting", async (t) => {
  const cm = withReleaseMetadata({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" } }, { name: "rel", namespace: "ns" }, true);
  t.same(cm.metadata, { name: "a", namespace: "ns", labels: { "app.kubernetes.io/managed-by": "yoke" }, annotations: { "instance.atc.yoke.cd/release": "rel", "instance.atc.yoke.cd/namespace": "ns" } });
  const role = withReleaseMetadata({ apiVersion: "v1", kind: "ClusterRole", metadata: { name: "r", namespace: "oops" } }, { name: "rel", namespace: "ns" }, false);
  t.notOk("namespace" in role.metadata, "cluster-scoped objects carry no namespace");
});

t.test("readiness rules", async (t) => {
  const deployment = (status: object, generation = 2) => ({ kind: "Deployment", metadata: { generation }, spec: { replicas: 1 }, status });
  const ready = { observedGeneration: 2, replicas: 1, availableReplicas: 1, readyReplicas: 1, updatedReplicas: 1, conditions: [{ type: "Available", status: "True" }] };
  t.ok(readiness("Deployment", deployment(ready)).ready);
  const { kind: _kind, ...listItem } = deployment({});
  t.notOk(readiness("Deployment", listItem).ready, "judged by the kind asked for: a list item carries none");
  t.notOk(readiness("Deployment", deployment({ ...ready, observedGeneration: 1 })).ready, "an old generation is not rolled out");
  t.notOk(readiness("Deployment", deployment({ ...ready, updatedReplicas: 0 })).ready);
  t.match(readiness("Deployment", deployment({})).observed, /observed none/);
  t.match(readiness("Job", { metadata: {}, status: { conditions: [{ type: "Failed", status: "True", message: "BackoffLimitExceeded" }] } }).failed, /BackoffLimitExceeded/);
  const service = { kind: "Service", metadata: { annotations: { "metallb.io/loadBalancerIPs": "10.0.0.3" } }, spec: { type: "LoadBalancer" } };
  t.notOk(readiness("Service", { ...service, status: { loadBalancer: { ingress: [{ ip: "10.0.0.4" }] } } }).ready, "another address is not the asked one");
  t.ok(readiness("Service", { ...service, status: { loadBalancer: { ingress: [{ ip: "10.0.0.3" }] } } }).ready);
  t.notOk(webhookCaReady({ webhooks: [{ name: "a", clientConfig: { caBundle: "x" } }, { name: "b", clientConfig: {} }] }).ready);
  t.match(webhookCaReady({ webhooks: [{ name: "b", clientConfig: {} }] }).observed, /no caBundle yet on b/);
});

t.test("no-op detection: desired fields all present with equal values", async (t) => {
  const live = { metadata: { name: "a", uid: "1", managedFields: [] }, spec: { ports: [{ port: 80, protocol: "TCP" }], type: "ClusterIP" } };
  t.ok(containedIn({ metadata: { name: "a" }, spec: { ports: [{ port: 80 }] } }, live), "server defaults do not count as changes");
  t.notOk(containedIn({ spec: { ports: [{ port: 81 }] } }, live));
  t.notOk(containedIn({ spec: { ports: [{ port: 80 }, { port: 443 }] } }, live), "a list of another length");
  t.ok(containedIn({ spec: { minReadySeconds: 0, paused: false, selector: {}, args: [] } }, live), "zero values the server omits when it answers");
  t.notOk(containedIn({ spec: { minReadySeconds: 5 } }, live), "a set value the server does not hold");
  t.notOk(containedIn({ spec: { type: "" } }, live), "a zero value against a different live value");
});

t.test("diff lines name the changed fields", async (t) => {
  const text = describeDiff({ metadata: { resourceVersion: "1" }, data: { a: "1" } }, { metadata: { resourceVersion: "2" }, data: { a: "2", b: "3" } });
  t.equal(text, '  - data.a: "1"\n  + data.a: "2"\n  + data.b: "3"');
});

t.test("releases compare by value, as yoke's reflect.DeepEqual does, whatever the key order", async (t) => {
  t.ok(sameJson([[{ kind: "A", metadata: { name: "a", labels: { x: "1", y: "2" } } }]], [[{ metadata: { labels: { y: "2", x: "1" }, name: "a" }, kind: "A" }]]));
  t.notOk(sameJson({ a: 1 }, { a: 1, b: undefined }), "a key more is a difference");
  t.notOk(sameJson({ a: [1, 2] }, { a: [2, 1] }), "list order matters");
  t.notOk(sameJson({ a: {} }, { a: [] }));
  t.notOk(sameJson({ a: "1" }, { a: 1 }));
});

t.test("revision times order by instant: Go drops trailing zeros, hangar pads them", async (t) => {
  t.ok(compareTimes("2026-01-02T03:04:05Z", "2026-01-02T03:04:05.100000000Z") < 0, "no fraction is the earlier");
  t.ok(compareTimes("2026-01-02T03:04:05.5Z", "2026-01-02T03:04:05.400000000Z") > 0);
  t.equal(compareTimes("2026-01-02T04:04:05+01:00", "2026-01-02T03:04:05Z"), 0, "offsets honoured");
});

t.test("quantities are compared as the server stores them", async (t) => {
  const stored = Object.fromEntries(["1024Mi", "1536Mi", "0.5Ki", "1000m", "0.1", "1.5", "2000000", "12e2", "1.5n", "-1024Mi", "0"].map((q) => [q, canonicalQuantity(q)]));
  t.same(stored, { "1024Mi": "1Gi", "1536Mi": "1536Mi", "0.5Ki": "512", "1000m": "1", "0.1": "100m", "1.5": "1500m", "2000000": "2M", "12e2": "1200", "1.5n": "2n", "-1024Mi": "-1Gi", "0": "0" });
  t.equal(canonicalQuantity("1 Gi"), undefined, "not a quantity");
  const live = { spec: { template: { spec: { containers: [{ resources: { limits: { memory: "1Gi" } } }], volumes: [{ emptyDir: { sizeLimit: "512" } }] } } } };
  t.ok(containedIn({ spec: { template: { spec: { containers: [{ resources: { limits: { memory: "1024Mi" } } }], volumes: [{ emptyDir: { sizeLimit: "0.5Ki" } }] } } } }, live));
  t.notOk(containedIn({ spec: { template: { spec: { containers: [{ resources: { limits: { memory: "1025Mi" } } }] } } } }, live), "another value");
  t.notOk(containedIn({ data: { memory: "1024Mi" } }, { data: { memory: "1Gi" } }), "only quantity fields: a ConfigMap's text is text");
});

t.test("the workloads behind a gate, in words", async (t) => {
  t.ok(selects({ matchLabels: { app: "a" }, matchExpressions: [{ key: "tier", operator: "In", values: ["x", "y"] }] }, { app: "a", tier: "y" }));
  t.notOk(selects({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["y"] }] }, { tier: "y" }));
  t.notOk(selects({}, { app: "a" }), "an empty selector picks nothing here");
  t.ok(selects({ app: "a" }, { app: "a", other: "b" }), "a Service's plain map");
  const deployment = { metadata: { name: "controller", namespace: "ns" }, spec: { replicas: 1, selector: { matchLabels: { app: "c" } }, template: { metadata: { labels: { app: "c" } } } }, status: {} };
  const daemonSet = { metadata: { name: "speaker", namespace: "ns" }, spec: { selector: { matchLabels: { app: "s" } }, template: { metadata: { labels: { app: "s" } } } }, status: { desiredNumberScheduled: 2, numberReady: 1 } };
  t.same(workloadsBehind({ spec: { selector: { app: "c" } } }, [deployment], [daemonSet]).map((w) => w.object.metadata.name), ["controller"]);
  const event = (kind: string, name: string, reason: string, message: string, lastTimestamp: string, type = "Warning") => ({ type, reason, message, lastTimestamp, involvedObject: { kind, name } });
  const events = [
    event("ReplicaSet", "controller-5d8f", "FailedCreate", 'Error creating: pods "controller-5d8f-" is forbidden: violates PodSecurity "baseline:latest"', "2026-01-01T00:00:02Z"),
    event("ReplicaSet", "controller-5d8f", "SuccessfulCreate", "Created pod", "2026-01-01T00:00:03Z", "Normal"),
    event("Pod", "speaker-1", "FailedScheduling", "0/1 nodes are available: 1 node(s) didn't have free ports", "2026-01-01T00:00:05Z"),
    event("Pod", "unrelated-1", "BackOff", "Back-off restarting failed container", "2026-01-01T00:00:09Z"),
  ];
  const pods = [{ metadata: { name: "speaker-1", labels: { app: "s" } }, status: { phase: "Pending" } }];
  t.equal(
    describeWorkloads([{ kind: "Deployment", object: deployment }, { kind: "DaemonSet", object: daemonSet }], pods, events),
    "Deployment ns/controller 0/1 ready, no pods; DaemonSet ns/speaker 1/2 ready, pod speaker-1 Pending; newest warnings: " +
      "Pod speaker-1: FailedScheduling: 0/1 nodes are available: 1 node(s) didn't have free ports; " +
      'ReplicaSet controller-5d8f: FailedCreate: Error creating: pods "controller-5d8f-" is forbidden: violates PodSecurity "baseline:latest"',
    "newest first, warnings only, and only about these workloads",
  );
});
