// The ingress-nginx flight against what chart 4.15.1 renders for the example's values and for the
// alternate ones: the same objects and, for each, the fields a takeover of a chart install must
// find unchanged, compared exactly (pod templates whole, Helm's labels in them included).
import t from "tap";
import { spawnSync } from "node:child_process";
import { ingressNginx } from "../../flights/ingress-nginx/flight.ts";
import type { IngressNginxInput } from "../../flights/ingress-nginx/input.ts";
import type { Resource } from "../../lib/flight/contract.ts";
import { at, byKey, loadUpstream } from "../helpers/upstream.ts";
import { rejectsBadInput } from "../helpers/fake-io.ts";
import { builtFlight } from "../helpers/dist.ts";

const base = { loadBalancerIP: "10.0.0.3", addressPool: "lan", ingressClass: { name: "nginx", default: true } };
const alternate = { loadBalancerIP: "10.0.0.10", addressPool: "ingress", ingressClass: { name: "nginx", default: false }, replicas: 2 };
const render = (raw: object = base, namespace = "ingress-nginx") => ingressNginx.render(ingressNginx.parse(raw), { name: "ingress-nginx", namespace });
const stages = render();

const fieldsByKind: Record<string, string[]> = {
  ServiceAccount: ["metadata.labels", "automountServiceAccountToken"],
  Role: ["metadata.labels", "rules"],
  ClusterRole: ["metadata.labels", "rules"],
  RoleBinding: ["metadata.labels", "roleRef", "subjects"],
  ClusterRoleBinding: ["metadata.labels", "roleRef", "subjects"],
  ConfigMap: ["metadata.labels", "data"],
  Service: ["metadata.labels", "metadata.annotations", "spec"],
  Deployment: ["metadata.labels", "spec"],
  Job: ["metadata.labels", "spec"],
  PodDisruptionBudget: ["metadata.labels", "spec"],
  IngressClass: ["metadata.labels", "metadata.annotations", "spec"],
  ValidatingWebhookConfiguration: ["metadata.labels", "webhooks"],
};
const helmLabels = ["helm.sh/chart", "app.kubernetes.io/managed-by"];
const field = (object: Resource | undefined, path: string) => {
  const value = at(object, path);
  if (path !== "metadata.labels" || !value) return value;
  return Object.fromEntries(Object.entries(value as Record<string, string>).filter(([key]) => !helmLabels.includes(key)));
};

for (const [values, input] of [["helm-renders", base], ["helm-renders-alt", alternate]] as const) {
  t.test(`${values}: the same objects as the chart, each with the same fields`, async (t) => {
    const upstream = byKey(loadUpstream(`${values}/ingress-nginx/manifest.yaml`));
    const ours = byKey(render(input).flat());
    t.same([...ours.keys()].sort(), [...upstream.keys(), "Namespace/_/ingress-nginx"].sort(), "hangar adds the namespace Helm creates on its own");
    for (const [name, theirs] of upstream) {
      for (const path of fieldsByKind[theirs.kind] ?? []) t.same(field(ours.get(name), path), field(theirs, path), `${name} ${path}`);
    }
  });
}

t.test("pod templates keep the chart's Helm labels; object labels do not", async (t) => {
  const deployment = byKey(stages.flat()).get("Deployment/ingress-nginx/ingress-nginx-controller")!;
  t.equal(at(deployment, "spec.template.metadata.labels.helm\u002Fchart"), undefined);
  const podLabels = at(deployment, "spec.template.metadata.labels") as Record<string, string>;
  t.equal(podLabels["helm.sh/chart"], "ingress-nginx-4.15.1");
  t.equal(podLabels["app.kubernetes.io/managed-by"], "Helm");
  t.notOk(deployment.metadata.labels!["helm.sh/chart"]);
  t.notOk(deployment.metadata.labels!["app.kubernetes.io/managed-by"], "yoke's apply sets it");
});

t.test("stages: namespace, then setup with the create job, then the patch job and the controller", async (t) => {
  const names = stages.map((stage) => stage.map((r) => `${r.kind}/${r.metadata.name}`));
  t.same(names[0], ["Namespace/ingress-nginx"]);
  t.ok(names[1]!.includes("Job/ingress-nginx-admission-create"));
  t.same(names[2], ["Job/ingress-nginx-admission-patch", "Deployment/ingress-nginx-controller"]);
});

t.test("input changes take effect", async (t) => {
  const input: Partial<IngressNginxInput> = {
    loadBalancerIP: "192.0.2.10",
    addressPool: "lan",
    externalTrafficPolicy: "Cluster",
    replicas: 2,
    ingressClass: { name: "lan", default: true },
    config: { "use-forwarded-headers": "true" },
  };
  const tuned = byKey(render(input, "edge").flat());
  const service = tuned.get("Service/edge/ingress-nginx-controller")!;
  t.same(service.metadata.annotations, { "metallb.io/loadBalancerIPs": "192.0.2.10", "metallb.io/address-pool": "lan" });
  t.equal(at(service, "spec.externalTrafficPolicy"), "Cluster");
  const deployment = tuned.get("Deployment/edge/ingress-nginx-controller")!;
  t.equal(at(deployment, "spec.replicas"), 2);
  t.ok((at(deployment, "spec.template.spec.containers") as any[])[0].args.includes("--ingress-class=lan"));
  t.same(tuned.get("IngressClass/_/lan")!.metadata.annotations, { "ingressclass.kubernetes.io/is-default-class": "true" });
  t.same(tuned.get("ConfigMap/edge/ingress-nginx-controller")!.data, { "use-forwarded-headers": "true" });
  t.equal(at(tuned.get("ValidatingWebhookConfiguration/_/ingress-nginx-admission"), "webhooks.0.clientConfig.service.namespace"), "edge");
  t.notMatch(JSON.stringify([...tuned.values()]), /"namespace":"ingress-nginx"/, "no reference keeps the default namespace");
});

const bad: [unknown, string][] = [
  [{}, "ingress-nginx: input.loadBalancerIP: is required"],
  [{ loadBalancerIP: "10.0.0.300" }, 'ingress-nginx: input.loadBalancerIP: must be an IPv4 address (got "10.0.0.300")'],
  [{ ...base, externalTrafficPolicy: "Global" }, 'ingress-nginx: input.externalTrafficPolicy: must be one of Local, Cluster (got "Global")'],
  [{ ...base, replicas: 0 }, "ingress-nginx: input.replicas: must be a whole number from 1 to 10"],
  [{ ...base, service: {} }, "ingress-nginx: input.service: is not a known field"],
  [{ ...base, config: { "proxy-body-size": 10 } }, "ingress-nginx: input.config.proxy-body-size: must be a string"],
  [{ ...base, ingressClass: { name: "Nginx" } }, 'ingress-nginx: input.ingressClass.name: must be a DNS-1123 label (got "Nginx")'],
];
const notice = "ingress-nginx: ingress-nginx was retired upstream in March 2026 and gets no security fixes any more; plan a move to a Gateway API controller\n";
rejectsBadInput(t, ingressNginx, bad, notice);

t.test("the built bundle prints the render on stdout and the retirement notice on stderr", async (t) => {
  const run = spawnSync(process.execPath, [builtFlight("ingress-nginx"), "ingress"], { input: JSON.stringify(base), encoding: "utf8" });
  t.equal(run.status, 0);
  t.equal(run.stderr, notice);
  t.equal(run.stdout, JSON.stringify(render(), null, 2) + "\n");
});
