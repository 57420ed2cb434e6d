// The metallb flight against what MetalLB's chart 0.16.1 renders for the example's values: the
// same objects, and for each the fields a takeover of a chart install must find unchanged,
// compared exactly (pod templates whole). Failures name the object and the field.
import t from "tap";
import { spawnSync } from "node:child_process";
import { metallb } from "../../flights/metallb/flight.ts";
import type { Resource } from "../../lib/flight/contract.ts";
import { at, byKey, countDescriptions, key, loadUpstream } from "../helpers/upstream.ts";
import { rejectsBadInput } from "../helpers/fake-io.ts";
import { builtFlight } from "../helpers/dist.ts";

const upstream = byKey(loadUpstream("helm-renders/metallb/manifest.yaml"));
const render = (raw: unknown = { announceFromControlPlanes: true }, namespace = "metallb-system") => metallb.render(metallb.parse(raw), { name: "metallb", namespace });
const stages = render();
const ours = byKey(stages.flat());

/** Fields compared exactly, per kind (paths into the object); metadata.labels without Helm's own. */
const fieldsByKind: Record<string, string[]> = {
  ServiceAccount: ["metadata.labels"],
  Role: ["metadata.labels", "rules"],
  ClusterRole: ["metadata.labels", "rules"],
  RoleBinding: ["metadata.labels", "roleRef", "subjects"],
  ClusterRoleBinding: ["metadata.labels", "roleRef", "subjects"],
  ConfigMap: ["metadata.labels", "data"],
  Secret: ["metadata.labels", "data", "type"],
  Service: ["metadata.labels", "spec"],
  Deployment: ["metadata.labels", "spec"],
  DaemonSet: ["metadata.labels", "spec"],
  ValidatingWebhookConfiguration: ["metadata.labels", "webhooks"],
};
const helmLabels = ["helm.sh/chart", "app.kubernetes.io/managed-by"];
const field = (object: Resource | undefined, path: string) => {
  const value = at(object, path);
  if (path !== "metadata.labels" || !value) return value;
  return Object.fromEntries(Object.entries(value as Record<string, string>).filter(([key]) => !helmLabels.includes(key)));
};

t.test("the same objects as the chart, and the privileged namespace the chart leaves out", async (t) => {
  t.same([...ours.keys()].sort(), [...upstream.keys(), "Namespace/_/metallb-system"].sort());
  t.same(ours.get("Namespace/_/metallb-system")!.metadata.labels, {
    "pod-security.kubernetes.io/audit": "privileged",
    "pod-security.kubernetes.io/enforce": "privileged",
    "pod-security.kubernetes.io/warn": "privileged",
  });
});

t.test("pod templates carry no Helm labels in the chart, so none in hangar", async (t) => {
  for (const name of ["Deployment/metallb-system/metallb-controller", "DaemonSet/metallb-system/metallb-speaker"]) {
    t.same(at(ours.get(name), "spec.template.metadata"), at(upstream.get(name), "spec.template.metadata"), name);
  }
});

t.test("stage 1 holds the namespace and the nine CRDs, stage 2 the rest", async (t) => {
  t.equal(stages.length, 2);
  t.same([...new Set(stages[0]!.map((r) => r.kind))].sort(), ["CustomResourceDefinition", "Namespace"]);
  t.equal(stages[0]!.filter((r) => r.kind === "CustomResourceDefinition").length, 9);
  t.notOk(stages[1]!.some((r) => r.kind === "Namespace" || r.kind === "CustomResourceDefinition"));
});

t.test("every object matches upstream in the fields that matter", async (t) => {
  for (const [name, theirs] of upstream) {
    const mine = ours.get(name);
    if (!mine) continue;
    for (const path of fieldsByKind[theirs.kind] ?? []) {
      t.same(field(mine, path), field(theirs, path), `${name} ${path}`);
    }
  }
});

t.test("CRDs are the chart's, descriptions included", async (t) => {
  const crds = [...upstream.values()].filter((resource) => resource.kind === "CustomResourceDefinition");
  t.equal(crds.length, 9);
  for (const theirs of crds) t.same(ours.get(key(theirs)), theirs, key(theirs));
  t.equal(countDescriptions(crds.map((theirs) => ours.get(key(theirs))!)), 201, "the 201 descriptions of the chart's nine CRDs");
});

t.test("operator settings take effect", async (t) => {
  const tuned = byKey(
    render({
      logLevel: "debug",
      announceFromControlPlanes: true,
      speaker: { nodeSelector: { "hangar/lb": "yes" }, tolerations: [{ key: "dedicated", operator: "Equal", value: "lb", effect: "NoExecute", tolerationSeconds: 30 }] },
      controller: { nodeSelector: { "hangar/role": "infra" } },
    }).flat(),
  );
  const speakerSpec = at(tuned.get("DaemonSet/metallb-system/metallb-speaker"), "spec.template.spec") as Record<string, any>;
  t.same(speakerSpec.containers[0].args, ["--port=9120", "--log-level=debug", "--ignore-exclude-lb"]);
  t.same(speakerSpec.nodeSelector, { "kubernetes.io/os": "linux", "hangar/lb": "yes" });
  t.same(speakerSpec.tolerations.at(-1), { key: "dedicated", operator: "Equal", value: "lb", effect: "NoExecute", tolerationSeconds: 30 });
  t.equal(speakerSpec.tolerations.length, 3, "upstream's control-plane tolerations are kept");
  const controllerSpec = at(tuned.get("Deployment/metallb-system/metallb-controller"), "spec.template.spec") as Record<string, any>;
  t.same(controllerSpec.containers[0].args, ["--port=9120", "--log-level=debug", "--webhook-mode=enabled"]);
  t.same(controllerSpec.nodeSelector, { "kubernetes.io/os": "linux", "hangar/role": "infra" });
});

t.test("another namespace is followed everywhere it appears", async (t) => {
  const moved = render({}, "lb");
  const text = JSON.stringify(moved);
  t.notMatch(text, /"metallb-system"/, "no object, subject or service reference keeps the default namespace");
  const all = byKey(moved.flat());
  t.ok(all.has("Namespace/_/lb"));
  t.ok(all.has("ClusterRole/_/metallb:controller"), "cluster-wide names follow the release, as the chart's do");
  t.same(at(all.get("ClusterRoleBinding/_/metallb:speaker"), "subjects"), [{ kind: "ServiceAccount", name: "metallb-speaker", namespace: "lb" }]);
  t.equal(at(all.get("CustomResourceDefinition/_/bgppeers.metallb.io"), "spec.conversion.webhook.clientConfig.service.namespace"), "lb");
});

const bad: [unknown, string][] = [
  [{ logLevel: "loud" }, 'metallb: input.logLevel: must be one of all, debug, info, warn, error, none (got "loud")'],
  [{ loglevel: "info" }, "metallb: input.loglevel: is not a known field"],
  [{ speaker: { tolerations: [{ key: "a", effect: "Sometimes" }] } }, 'metallb: input.speaker.tolerations[0].effect: must be one of NoSchedule, PreferNoSchedule, NoExecute (got "Sometimes")'],
  [{ speaker: { nodeSelector: ["a"] } }, "metallb: input.speaker.nodeSelector: must be a map of strings"],
  [{ announceFromControlPlanes: "yes" }, "metallb: input.announceFromControlPlanes: must be true or false"],
  [{ speaker: { tolerations: [{ tolerationSeconds: -1 }] } }, "metallb: input.speaker.tolerations[0].tolerationSeconds: must be a whole number of at least 0"],
  [[], "metallb: input must be a JSON object"],
];
rejectsBadInput(t, metallb, bad);

t.test("the built bundle prints what the in-process render returns", async (t) => {
  const run = spawnSync(process.execPath, [builtFlight("metallb")], {
    input: '{"logLevel":"warn"}',
    env: { ...process.env, YOKE_RELEASE: "lb", YOKE_NAMESPACE: "lb-system" },
    encoding: "utf8",
  });
  t.equal(run.status, 0, run.stderr);
  t.equal(run.stdout, JSON.stringify(render({ logLevel: "warn" }, "lb-system"), null, 2) + "\n");
});

t.test("keys are kind/namespace/name", async (t) => {
  t.equal(key({ apiVersion: "v1", kind: "Namespace", metadata: { name: "x" } }), "Namespace/_/x");
});
