// The ingress-nginx flight against the v1.15.1 cloud manifest: the same objects and, for each,
// the fields that decide behaviour; the only intended differences are asserted as such.
import t from "tap";
import { spawnSync } from "node:child_process";
import { ingressNginx } from "../../flights/ingress-nginx/flight.ts";
import type { IngressNginxInput } from "../../flights/ingress-nginx/input.ts";
import { runFlight } from "../../lib/flight/io.ts";
import { at, byKey, loadUpstream } from "../helpers/upstream.ts";
import { fakeIO } from "../helpers/fake-io.ts";
import { builtFlight } from "../helpers/dist.ts";

const upstream = byKey(loadUpstream("ingress-nginx-cloud-controller-v1.15.1.yaml"));
const base = { loadBalancerIP: "10.0.0.3" };
const render = (raw: object = base, namespace = "ingress-nginx") => ingressNginx.render(ingressNginx.parse(raw), { name: "ingress-nginx", namespace });
const stages = render();
const ours = byKey(stages.flat());

const fieldsByKind: Record<string, string[]> = {
  Namespace: ["metadata.labels"],
  ServiceAccount: ["metadata.labels", "automountServiceAccountToken"],
  Role: ["metadata.labels", "rules"],
  ClusterRole: ["metadata.labels", "rules"],
  RoleBinding: ["metadata.labels", "roleRef", "subjects"],
  ClusterRoleBinding: ["metadata.labels", "roleRef", "subjects"],
  ConfigMap: ["metadata.labels"],
  Service: ["metadata.labels", "spec"],
  Deployment: ["metadata.labels", "spec.selector", "spec.strategy", "spec.revisionHistoryLimit", "spec.minReadySeconds", "spec.template"],
  Job: ["metadata.labels", "spec"],
  IngressClass: ["metadata.labels", "spec"],
  ValidatingWebhookConfiguration: ["metadata.labels", "webhooks"],
};

t.test("the same objects as the release manifest", async (t) => {
  t.same([...ours.keys()].sort(), [...upstream.keys()].sort());
});

t.test("every object matches upstream in the fields that matter", async (t) => {
  for (const [name, theirs] of upstream) {
    const mine = ours.get(name);
    for (const field of fieldsByKind[theirs.kind] ?? []) t.same(at(mine, field), at(theirs, field), `${name} ${field}`);
  }
});

t.test("the only differences: MetalLB annotations, explicit replicas, no empty ConfigMap data", async (t) => {
  const service = ours.get("Service/ingress-nginx/ingress-nginx-controller")!;
  t.same(service.metadata.annotations, { "metallb.io/loadBalancerIPs": "10.0.0.3" });
  t.notOk(upstream.get("Service/ingress-nginx/ingress-nginx-controller")!.metadata.annotations);
  t.equal(at(ours.get("Deployment/ingress-nginx/ingress-nginx-controller"), "spec.replicas"), 1);
  t.notOk("data" in ours.get("ConfigMap/ingress-nginx/ingress-nginx-controller")!, "upstream's data is null");
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
for (const [raw, message] of bad) {
  t.test(`bad input: ${message}`, async (t) => {
    const io = fakeIO(JSON.stringify(raw));
    t.equal(runFlight(ingressNginx, io), 1);
    t.equal(io.stdout, "");
    t.equal(io.stderr, `${notice}${message}\n`);
  });
}

t.test("the built bundle prints the render on stdout and the retirement notice on stderr", async (t) => {
  const run = spawnSync(process.execPath, [builtFlight("ingress-nginx"), "ingress"], { input: JSON.stringify(base), encoding: "utf8" });
  t.equal(run.status, 0);
  t.equal(run.stderr, notice);
  t.equal(run.stdout, JSON.stringify(render(), null, 2) + "\n");
});
