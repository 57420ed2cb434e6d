// The comparison's parts on small synthetic objects: parsing, bookkeeping, facts, matching,
// order, needs, declared differences and the report.
import t from "tap";
import { readFileSync } from "node:fs";
import type { Resource } from "../lib/flight/contract.ts";
import { parseManifests } from "../lib/compare/manifests.ts";
import { withoutBookkeeping } from "../lib/compare/bookkeeping.ts";
import { impactOf } from "../lib/compare/impact.ts";
import { diffFacts, diffObjects } from "../lib/compare/differ.ts";
import { placed, refOf } from "../lib/compare/objects.ts";
import { comparePositions, hangarOrder, needsDifferences, orderDifferences, precedes, upstreamOrder } from "../lib/compare/ordering.ts";
import { reasonFor, type Declarations } from "../lib/compare/declared.ts";
import { compareStacks, undeclared } from "../lib/compare/compare.ts";
import { formatReport } from "../lib/compare/report.ts";
import { parseHelmfile } from "../lib/compare/helmfile.ts";
import { releasesFromFiles } from "../lib/compare/reference.ts";

const object = (kind: string, name: string, rest: Partial<Resource> = {}, apiVersion = "v1"): Resource => ({
  apiVersion,
  kind,
  metadata: { name, ...(rest.metadata ?? {}) },
  ...Object.fromEntries(Object.entries(rest).filter(([key]) => key !== "metadata")),
});

const daemonSet = (args: string[], extra: Record<string, unknown> = {}): Resource =>
  object(
    "DaemonSet",
    "speaker",
    {
      metadata: { name: "speaker", namespace: "metallb-system" },
      spec: {
        selector: { matchLabels: { app: "metallb" } },
        template: {
          metadata: { labels: { app: "metallb" } },
          spec: { containers: [{ name: "speaker", image: "quay.io/metallb/speaker:v0.16.1", args, ...extra }] },
        },
      },
    },
    "apps/v1",
  );

t.test("manifests: empty documents are skipped, a non-object names file and document", async (t) => {
  const objects = parseManifests("---\n# only a comment\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\n", "x.yaml");
  t.same(objects.map((o) => o.metadata.name), ["a"]);
  t.throws(() => parseManifests("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\n- just a list\n", "x.yaml"), {
    message: "x.yaml: document 2 is not a Kubernetes object (apiVersion, kind and metadata.name are required)",
  });
});

t.test("bookkeeping: Helm's labels and annotations go from the object; its pod template keeps them", async (t) => {
  const chart = daemonSet([]);
  chart.metadata.labels = { "helm.sh/chart": "metallb-0.16.1", "app.kubernetes.io/managed-by": "Helm", app: "metallb" };
  chart.metadata.annotations = { "meta.helm.sh/release-name": "metallb" };
  (chart.spec as any).template.metadata.labels["app.kubernetes.io/version"] = "v0.16.1";
  const clean = withoutBookkeeping(chart);
  t.same(clean.metadata.labels, { app: "metallb" });
  t.equal(clean.metadata.annotations, undefined);
  t.same((clean.spec as any).template.metadata.labels, { app: "metallb", "app.kubernetes.io/version": "v0.16.1" }, "a pod template label change restarts pods");
  t.same(chart.metadata.labels!["helm.sh/chart"], "metallb-0.16.1", "the input object is left alone");
});

t.test("facts: embedded YAML and JSON documents are compared by value, plain text as text", async (t) => {
  const configMap = (text: string) => object("ConfigMap", "c", { data: { "config.yaml": text, "plain": "just text, no document" }, metadata: { name: "c", annotations: { "x/json": '{"b": 1, "a": [1, 2]}' } } });
  const ref = refOf(configMap(""));
  const flow = configMap("list: [\"^lo$\", \"^veth.*\"]\n");
  const block = { ...configMap("list:\n- ^lo$\n- ^veth.*\n"), metadata: { name: "c", annotations: { "x/json": "a: [1, 2]\nb: 1\n" } } };
  t.same(diffFacts(ref, flow, block), [], "same document, other spelling");
  t.same(diffFacts(ref, flow, configMap("list: [\"^lo$\"]\n")).map((d) => d.fact), ["data config.yaml"]);
  t.same(diffFacts(ref, flow, { ...flow, data: { "config.yaml": "list: [\"^lo$\", \"^veth.*\"]\n", plain: "just text,  no document" } }).map((d) => d.fact), ["data plain"], "text that is no document stays text");
});

t.test("facts: object labels count without Helm's; their impact is cosmetic, a pod template's is a restart", async (t) => {
  const ours = daemonSet([]);
  ours.metadata.labels = { "app.kubernetes.io/name": "metallb" };
  const theirs = daemonSet([]);
  theirs.metadata.labels = { "app.kubernetes.io/name": "speaker", "helm.sh/chart": "metallb-0.16.1" };
  (theirs.spec as any).template.metadata.labels["helm.sh/chart"] = "metallb-0.16.1";
  const differences = diffFacts(refOf(ours), ours, theirs);
  t.same(differences.map((d) => [d.fact, impactOf(d)]), [["label app.kubernetes.io/name", "cosmetic"], ["pod label helm.sh/chart", "restart"]]);
  t.equal(impactOf({ ref: { ...refOf(ours), kind: "Deployment" }, fact: "selector" }), "recreate");
  t.equal(impactOf({ ref: { ...refOf(ours), kind: "Namespace" }, fact: "label pod-security.kubernetes.io/enforce" }), "behaviour");
});

t.test("facts: rollout strategy and history with the API's defaults", async (t) => {
  const deployment = (spec: Record<string, unknown>) => object("Deployment", "d", { spec }, "apps/v1");
  const ref = refOf(deployment({}));
  t.same(diffFacts(ref, deployment({}), deployment({ strategy: { type: "RollingUpdate" }, revisionHistoryLimit: 10 })), [], "written-out defaults are no difference");
  t.same(
    diffFacts(ref, deployment({ strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } } }), deployment({})).map((d) => [d.fact, impactOf(d)]),
    [["strategy", "behaviour"]],
  );
});

t.test("facts: a changed flag value is one difference, named by the flag", async (t) => {
  const ref = refOf(daemonSet([]));
  const differences = diffFacts(ref, daemonSet(["--port=9120", "--log-level=debug"]), daemonSet(["--log-level=info", "--port=9120"]));
  t.same(differences.map((d) => [d.fact, d.hangar, d.upstream]), [["container speaker: arg --log-level", "debug", "info"]]);
});

t.test("facts: images, env, ports, probes and mounts are compared; API defaults written out are not", async (t) => {
  const ours = daemonSet([], {
    image: "quay.io/metallb/speaker:v0.16.0",
    env: [{ name: "METALLB_ML_LABELS", value: "app=metallb" }],
    ports: [{ name: "monitoring", containerPort: 7472, protocol: "TCP" }],
    readinessProbe: { httpGet: { path: "/readyz", port: 17472 } },
  });
  const theirs = daemonSet([], {
    env: [{ name: "METALLB_ML_LABELS", value: "app=metallb,component=speaker" }],
    ports: [{ name: "monitoring", containerPort: 7472 }],
    readinessProbe: { httpGet: { port: 17472, path: "/healthz" } },
  });
  const facts = diffFacts(refOf(ours), ours, theirs).map((d) => d.fact);
  t.same(facts.sort(), ["container speaker: env METALLB_ML_LABELS", "container speaker: image", "container speaker: readinessProbe"]);

  const volume = (mode?: number): Resource => ({
    ...daemonSet([]),
    spec: { template: { spec: { containers: [], volumes: [{ name: "cert", secret: { secretName: "c", ...(mode && { defaultMode: mode }) } }] } } },
  });
  t.same(diffFacts(refOf(daemonSet([])), volume(420), volume()), [], "defaultMode 420 is the API default");
  t.equal(diffFacts(refOf(daemonSet([])), volume(256), volume()).length, 1, "any other mode counts");
});

t.test("facts: RBAC compares permissions, however the rules group them", async (t) => {
  const role = (rules: unknown[]) => object("ClusterRole", "r", { rules } as Partial<Resource>, "rbac.authorization.k8s.io/v1");
  const grouped = role([{ apiGroups: [""], resources: ["services", "nodes"], verbs: ["get", "list"] }]);
  const split = role([
    { apiGroups: [""], resources: ["nodes"], verbs: ["list", "get"] },
    { apiGroups: [""], resources: ["services"], verbs: ["get", "list"] },
  ]);
  t.same(diffFacts(refOf(grouped), grouped, split), []);
  const narrower = role([{ apiGroups: [""], resources: ["services", "nodes"], verbs: ["get"] }]);
  t.same(diffFacts(refOf(grouped), grouped, narrower).map((d) => [d.fact, d.hangar, d.upstream]), [
    ["allow list services", "yes", undefined],
    ["allow list nodes", "yes", undefined],
  ]);
});

t.test("facts: webhook rules and failure policy; an absent failurePolicy is Fail", async (t) => {
  const vwc = (hook: Record<string, unknown>) =>
    object("ValidatingWebhookConfiguration", "w", {
      webhooks: [
        {
          name: "pools.metallb.io",
          sideEffects: "None",
          admissionReviewVersions: ["v1"],
          clientConfig: { service: { name: "metallb-webhook-service", namespace: "metallb-system", path: "/validate" }, caBundle: "Zm9v" },
          rules: [{ operations: ["CREATE", "UPDATE"], apiGroups: ["metallb.io"], apiVersions: ["v1beta1"], resources: ["ipaddresspools"] }],
          ...hook,
        },
      ],
    } as Partial<Resource>, "admissionregistration.k8s.io/v1");
  t.same(diffFacts(refOf(vwc({})), vwc({}), vwc({ failurePolicy: "Fail", clientConfig: { service: { name: "metallb-webhook-service", namespace: "metallb-system", path: "/validate" } } })), [], "caBundle and defaults do not count");
  t.same(diffFacts(refOf(vwc({})), vwc({ failurePolicy: "Ignore" }), vwc({})).map((d) => [d.fact, d.hangar, d.upstream]), [
    ["webhook pools.metallb.io: failurePolicy", "Ignore", "Fail"],
  ]);
  const deleteToo = vwc({ rules: [{ operations: ["CREATE", "UPDATE", "DELETE"], apiGroups: ["metallb.io"], apiVersions: ["v1beta1"], resources: ["ipaddresspools"] }] });
  t.same(diffFacts(refOf(vwc({})), deleteToo, vwc({})).map((d) => d.fact), ["webhook pools.metallb.io: rule DELETE metallb.io/v1beta1/ipaddresspools (scope *)"]);
});

t.test("facts: CRD schema fields and types count, and so do descriptions, as cosmetic differences", async (t) => {
  const crd = (addresses: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    object("CustomResourceDefinition", "ipaddresspools.metallb.io", {
      spec: {
        group: "metallb.io",
        scope: "Namespaced",
        names: { kind: "IPAddressPool", plural: "ipaddresspools" },
        versions: [
          {
            name: "v1beta1",
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { addresses: addresses, ...extra } } } } },
          },
        ],
      },
    } as Partial<Resource>, "apiextensions.k8s.io/v1");
  const list = { type: "array", items: { type: "string" } };
  const described = crd({ ...list, description: "The addresses." });
  t.same(diffFacts(refOf(described), described, described), []);
  const stripped = diffFacts(refOf(described), crd(list), described);
  t.same(stripped.map((d) => [d.fact, d.hangar, d.upstream, impactOf(d)]), [["version v1beta1: description .spec.addresses", undefined, "The addresses.", "cosmetic"]], "a dropped description shows");
  t.same(diffFacts(refOf(described), crd({ ...list, description: "Addresses." }), described).map((d) => [d.fact, d.hangar, d.upstream]), [
    ["version v1beta1: description .spec.addresses", "Addresses.", "The addresses."],
  ]);
  t.same(diffFacts(refOf(described), crd({ type: "string" }), crd(list)).map((d) => [d.fact, d.hangar, d.upstream, impactOf(d)]), [
    ["version v1beta1: field .spec.addresses", "string", "array", "behaviour"],
    ["version v1beta1: field .spec.addresses[]", undefined, "string", "behaviour"],
  ]);
  t.same(diffFacts(refOf(described), crd(list), crd(list, { serviceAllocation: { type: "object" } })).map((d) => d.fact), [
    "version v1beta1: field .spec.serviceAllocation",
  ]);
});

t.test("objects: namespaces filled in as the API server would; matching by group, kind, namespace, name", async (t) => {
  const pool = object("IPAddressPool", "lan", {}, "metallb.io/v1beta1");
  t.equal(placed(pool, "metallb-system", new Set()).metadata.namespace, "metallb-system");
  const role = object("ClusterRole", "r", { metadata: { name: "r", namespace: "stray" } }, "rbac.authorization.k8s.io/v1");
  t.equal(placed(role, "metallb-system", new Set()).metadata.namespace, undefined);
  t.equal(placed(pool, "x", new Set(["IPAddressPool"])).metadata.namespace, undefined, "a CRD may declare a kind cluster-scoped");

  const a = placed(object("ConfigMap", "c"), "a", new Set());
  const b = placed(object("ConfigMap", "c"), "b", new Set());
  const { matched, differences } = diffObjects([a], [b]);
  t.same(matched, []);
  t.same(differences.map((d) => d.type === "object" && `${d.only} ${d.ref.namespace}`), ["hangar a", "upstream b"]);
});

const flight = (name: string, needs: string[], ...stages: Resource[][]) => ({ name, namespace: "ns", needs, stages });

t.test("order: yoke's pre-stage, Helm's hooks and kind order, and disagreements between them", async (t) => {
  const crd = object("CustomResourceDefinition", "pools", {}, "apiextensions.k8s.io/v1");
  const sa = object("ServiceAccount", "sa");
  const job = object("Job", "certgen", { metadata: { name: "certgen", annotations: { "helm.sh/hook": "pre-install,pre-upgrade" } } }, "batch/v1");
  const deployment = object("Deployment", "controller", {}, "apps/v1");
  const ours = hangarOrder([flight("f", [], [sa, crd, deployment, job])]);
  t.same(ours.map((p) => p.step), ["f stage 1", "f stage 1 (pre-stage)", "f stage 1", "f stage 1"]);
  const theirs = upstreamOrder([{ name: "r", needs: [], objects: [deployment, sa, crd, job] }]);
  t.same(
    [...theirs].sort((a, b) => comparePositions(a.position, b.position)).map((p) => p.ref.kind),
    ["Job", "ServiceAccount", "CustomResourceDefinition", "Deployment"],
    "hooks first, then Helm's kind order",
  );
  const differences = orderDifferences(ours, theirs);
  t.same(
    differences.map((d) => `${d.earlier} < ${d.later}`),
    ["CustomResourceDefinition < ServiceAccount", "CustomResourceDefinition < Job"],
    "only strict disagreements count: the Deployment goes with the rest of the stage",
  );
});

t.test("order: flights or releases started side by side are not ordered, whatever their stages", async (t) => {
  const [a, b, c] = [object("ConfigMap", "a"), object("Secret", "b"), object("Service", "c")];
  // hangar: a's flight and b's flight start together (b's second stage is not "after" a); c's flight needs a's.
  const ours = hangarOrder([flight("fa", [], [a]), flight("fb", [], [], [b]), flight("fc", ["fa"], [c])]);
  // upstream: b's release first, then a's and c's side by side.
  const theirs = upstreamOrder([
    { name: "rb", needs: [], objects: [b] },
    { name: "ra", needs: ["rb"], objects: [a] },
    { name: "rc", needs: ["rb"], objects: [c] },
  ]);
  const [pa, pb, pc] = ["a", "b", "c"].map((name) => ours.find((placed) => placed.ref.name === name)!);
  t.ok(precedes(pa!, pc!), "a flight's objects come before those of the flight that needs it");
  t.notOk(precedes(pa!, pb!) || precedes(pb!, pa!), "flights started together are not ordered");
  t.same(
    orderDifferences(ours, theirs).map((d) => `${d.earlier} < ${d.later}`),
    [],
    "a before c on our side, side by side upstream: not a strict disagreement; b against a is ordered only upstream",
  );
  const reversed = upstreamOrder([
    { name: "rc", needs: [], objects: [c] },
    { name: "ra", needs: ["rc"], objects: [a] },
  ]);
  t.same(orderDifferences(ours, reversed).map((d) => `${d.earlier} < ${d.later}`), ["ConfigMap < Service"], "a strict disagreement across flights counts");
});

t.test("order: needs through a release the reference did not render still order the rest", async (t) => {
  const [a, c] = [object("ConfigMap", "a"), object("ConfigMap", "c")];
  const helmfile = [
    { name: "a", needs: [] },
    { name: "b", needs: ["a"] },
    { name: "c", needs: ["b"] },
  ];
  const placedObjects = upstreamOrder([{ name: "c", needs: ["b"], objects: [c] }, { name: "a", needs: [], objects: [a] }], helmfile);
  t.same(placedObjects.map((p) => [p.ref.name, p.position[0]]), [["a", 0], ["c", 1]]);
});

t.test("needs: compared release by release", async (t) => {
  t.same(needsDifferences([{ name: "pool", needs: ["metallb"] }, { name: "metallb", needs: [] }], [
    { name: "ns", needs: [] },
    { name: "metallb", needs: ["ns"] },
    { name: "pool", needs: ["metallb"] },
  ]), [
    { type: "needs", release: "metallb", hangar: [], upstream: ["ns"] },
    { type: "needs", release: "ns", upstream: [] },
  ]);
});

const declarations: Declarations = {
  renames: [
    {
      upstream: { group: "apps", kind: "Deployment", namespace: "ns", name: "chart-controller" },
      hangar: { group: "apps", kind: "Deployment", namespace: "ns", name: "controller" },
      reason: "native names",
    },
  ],
  objects: [{ kind: "Namespace", name: "ingress-nginx", only: "hangar", reason: "hangar renders its namespace" }],
  facts: [
    { kind: "Service", fact: "annotation metallb.io/loadBalancerIPs", shape: "only-hangar", hangar: "10.0.0.3", reason: "pins the LAN IP" },
    { kind: "DaemonSet", fact: /^container speaker: arg --ignore-exclude-lb$/, shape: "only-hangar", reason: "Talos control planes" },
  ],
  order: [{ earlier: "CustomResourceDefinition", later: ["ServiceAccount"], reason: "pre-stage" }],
  needs: [{ release: "ns", reason: "namespace release" }],
};

t.test("declared: an entry matches its object, fact, shape and value, nothing else", async (t) => {
  const ref = { group: "", kind: "Service", namespace: "ingress-nginx", name: "ingress-nginx-controller" };
  const lbIP = (hangar?: string, upstream?: string) => ({ type: "fact" as const, ref, fact: "annotation metallb.io/loadBalancerIPs", ...(hangar && { hangar }), ...(upstream && { upstream }) });
  t.equal(reasonFor(lbIP("10.0.0.3"), declarations), "pins the LAN IP");
  t.equal(reasonFor(lbIP("10.0.0.9"), declarations), undefined, "another value is a real difference");
  t.equal(reasonFor(lbIP("10.0.0.3", "10.0.0.4"), declarations), undefined, "a changed value is not the declared shape");
  t.equal(reasonFor({ type: "object", ref: { ...ref, kind: "Namespace", namespace: "", name: "ingress-nginx" }, only: "hangar" }, declarations), "hangar renders its namespace");
  t.equal(reasonFor({ type: "object", ref: { ...ref, kind: "Namespace", namespace: "", name: "ingress-nginx" }, only: "upstream" }, declarations), undefined);
  t.equal(reasonFor({ type: "order", earlier: "CustomResourceDefinition", later: "Secret", pairs: [] }, declarations), undefined);
  t.equal(reasonFor({ type: "needs", release: "ns", upstream: [] }, declarations), "namespace release");
});

t.test("compare + report: declared and undeclared differences, renames, the exit verdict", async (t) => {
  const speaker = (args: string[]) => ({ ...daemonSet(args), metadata: { name: "speaker" } });
  const chartController = object("Deployment", "chart-controller", {}, "apps/v1");
  const comparison = compareStacks(
    {
      flights: [flight("metallb", [], [speaker(["--log-level=debug", "--ignore-exclude-lb"]), object("Deployment", "controller", {}, "apps/v1")])],
      upstream: [{ name: "metallb", objects: [speaker(["--log-level=info"]), chartController] }],
      helmfile: [{ name: "metallb", namespace: "ns", chart: "metallb/metallb", needs: [], wait: true }],
    },
    declarations,
  );
  t.same(comparison.matched.map((ref) => ref.name), ["speaker", "controller"], "the renamed chart object is matched");
  t.same(undeclared(comparison).map((f) => f.difference.type === "fact" && f.difference.fact), ["container speaker: arg --log-level"]);
  const report = formatReport(comparison, { upstreamLabel: "helmfile", upstreamSource: "helmfile template", hangarMs: 1.5, upstreamMs: 2500, flights: 1, releases: 1 });
  t.match(report, /render time +hangar 1\.5 ms \(1 flights, 2 objects\) +helmfile 2\.50 s \(1 releases, 2 objects\)/);
  t.match(report, /container speaker: arg --log-level  \[restarts pods\]\n +hangar debug +helmfile info\n +UNDECLARED/);
  t.match(report, /container speaker: arg --ignore-exclude-lb  \[restarts pods\]\n +hangar \(set\) +helmfile \(absent\)\n +declared: Talos control planes/);
  t.match(report, /same object +Deployment ns\/controller = helmfile chart-controller +declared: native names/);
  t.match(report, /summary: 2 differences, 1 declared, 1 undeclared\nfields by impact: restarts pods 2\n$/);
});

t.test("compare: flights whose release a partial reference lacks are listed, not failed", async (t) => {
  const comparison = compareStacks({
    flights: [flight("metallb", [], [object("ConfigMap", "c")]), flight("metallb-pool", ["metallb"], [object("IPAddressPool", "lan", {}, "metallb.io/v1beta1")])],
    upstream: [{ name: "metallb", objects: [object("ConfigMap", "c")] }],
    helmfile: [
      { name: "metallb", namespace: "ns", chart: "x", needs: [], wait: true },
      { name: "metallb-pool", namespace: "ns", chart: "y", needs: ["metallb"], wait: true },
    ],
  });
  t.same(comparison.notCompared, [{ flight: "metallb-pool", objects: 1 }]);
  t.same(undeclared(comparison), []);
});

t.test("helmfile.yaml: releases, namespaces and needs as the comparison reads them", async (t) => {
  const releases = parseHelmfile(readFileSync(new URL("../helmfile.yaml", import.meta.url), "utf8"), "helmfile.yaml");
  t.same(releases.map((r) => [r.name, r.namespace, r.needs, r.wait]), [
    ["metallb-namespace", "kube-system", [], true],
    ["metallb", "metallb-system", ["metallb-namespace"], true],
    ["metallb-pool", "metallb-system", ["metallb"], true],
    ["ingress-nginx", "ingress-nginx", ["metallb-pool"], true],
    ["eg", "envoy-gateway-system", ["metallb-pool"], true],
    ["gateway", "envoy-gateway-system", ["eg"], true],
  ]);
  t.same(releases.filter((r) => r.version).map((r) => `${r.chart}@${r.version}`), ["metallb/metallb@0.16.1", "ingress-nginx/ingress-nginx@4.15.1", "envoyproxy/gateway-helm@v1.9.0"]);
  t.throws(() => parseHelmfile("releases:\n  - name: x\n", "h.yaml"), { message: "h.yaml: releases[0]: name and chart are required" });
});

t.test("reference folders: one folder per release, loose files belong to no release", async (t) => {
  const doc = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
  const releases = releasesFromFiles(
    [
      { path: "metallb/metallb/templates/b.yaml", text: doc("b") },
      { path: "loose.yaml", text: doc("l") },
      { path: "metallb/a.yaml", text: doc("a") },
    ],
    "dir",
  );
  t.same(releases.map((r) => [r.name, r.objects.map((o) => o.metadata.name)]), [["", ["l"]], ["metallb", ["a", "b"]]]);
});
