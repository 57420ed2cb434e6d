// Pure parts of the applier: retry policy, stage preparation, readiness rules, no-op detection.
import t from "tap";
import { ApiRequestError, backoffMs, isRetryable, isWebhookFailure } from "../lib/kube/retry.ts";
import { splitPreStages, withReleaseMetadata } from "../lib/kube/prepare.ts";
import { readiness, webhookCaReady } from "../lib/kube/readiness.ts";
import { containedIn } from "../lib/kube/subset.ts";
import { describeDiff } from "../lib/kube/diff.ts";

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
  t.ok(readiness(deployment(ready)).ready);
  t.notOk(readiness(deployment({ ...ready, observedGeneration: 1 })).ready, "an old generation is not rolled out");
  t.notOk(readiness(deployment({ ...ready, updatedReplicas: 0 })).ready);
  t.match(readiness(deployment({})).observed, /observed none/);
  t.match(readiness({ kind: "Job", metadata: {}, status: { conditions: [{ type: "Failed", status: "True", message: "BackoffLimitExceeded" }] } }).failed, /BackoffLimitExceeded/);
  const service = { kind: "Service", metadata: { annotations: { "metallb.io/loadBalancerIPs": "10.0.0.3" } }, spec: { type: "LoadBalancer" } };
  t.notOk(readiness({ ...service, status: { loadBalancer: { ingress: [{ ip: "10.0.0.4" }] } } }).ready, "another address is not the asked one");
  t.ok(readiness({ ...service, status: { loadBalancer: { ingress: [{ ip: "10.0.0.3" }] } } }).ready);
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
