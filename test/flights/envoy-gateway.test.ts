// The envoy-gateway flight against Envoy Gateway's v1.9.0 release install.yaml: the same
// objects; CRDs equal, descriptions included; every other object equal except for the
// declared differences (Helm's own labels and hook annotations, and the pod spec as the API server
// stores it). Failures name object and field.
import t from "tap";
import { spawnSync } from "node:child_process";
import { envoyGateway } from "../../flights/envoy-gateway/flight.ts";
import type { Resource } from "../../lib/flight/contract.ts";
import { at, byKey, countDescriptions, key, loadUpstream } from "../helpers/upstream.ts";
import { rejectsBadInput } from "../helpers/fake-io.ts";
import { builtFlight } from "../helpers/dist.ts";
import { canonicalQuantity } from "../../lib/kube/quantity.ts";

const upstream = byKey(loadUpstream("envoy-gateway-install-v1.9.0.yaml"));
const render = (raw: unknown = {}, namespace = "envoy-gateway-system") => envoyGateway.render(envoyGateway.parse(raw), { name: "envoy-gateway", namespace });
const stages = render();
const ours = byKey(stages.flat());

/** What the release carries only because Helm rendered it; hangar leaves it out (declared in lib/compare/declared.ts). */
function withoutHelmBookkeeping(resource: Resource): Resource {
  const copy = structuredClone(resource);
  const { labels, annotations } = copy.metadata;
  if (labels) {
    delete labels["helm.sh/chart"];
    delete labels["app.kubernetes.io/managed-by"];
    if (labels["app.kubernetes.io/version"] === "latest") labels["app.kubernetes.io/version"] = "v1.9.0";
  }
  if (annotations) {
    delete annotations["helm.sh/hook"];
    delete annotations["helm.sh/hook-weight"];
    if (Object.keys(annotations).length === 0) delete copy.metadata.annotations;
  }
  delete copy.metadata.creationTimestamp;
  // What the API server stores of the pod spec, which hangar renders so a re-run changes nothing:
  // the controller's memory limit written canonically, and no empty imagePullSecrets list.
  const pod = (copy.spec as any)?.template?.spec;
  if (pod?.imagePullSecrets?.length === 0) delete pod.imagePullSecrets;
  for (const container of pod?.containers ?? []) {
    const limits = container.resources?.limits;
    if (limits?.memory) limits.memory = canonicalQuantity(limits.memory);
  }
  return copy;
}

t.test("the same objects as the release install.yaml", async (t) => {
  t.same([...ours.keys()].sort(), [...upstream.keys()].sort());
  t.equal(stages.flat().length, 41);
});

t.test("CRDs are the release's, descriptions included", async (t) => {
  const crds = [...upstream.values()].filter((resource) => resource.kind === "CustomResourceDefinition");
  t.equal(crds.length, 21, "13 Gateway API CRDs (experimental channel) and 8 of Envoy Gateway's own");
  for (const theirs of crds) t.same(ours.get(key(theirs)), theirs, key(theirs));
  const mine = crds.map((theirs) => ours.get(key(theirs))!);
  t.equal(countDescriptions(mine), countDescriptions(crds), "every description kept");
  t.ok(countDescriptions(mine) > 5000, `${countDescriptions(mine)} descriptions`);
  const gateways = ours.get("CustomResourceDefinition/_/gateways.gateway.networking.k8s.io")!;
  t.equal(gateways.metadata.annotations?.["gateway.networking.k8s.io/bundle-version"], "v1.6.1");
  t.equal(gateways.metadata.annotations?.["gateway.networking.k8s.io/channel"], "experimental");
});

t.test("every other object equals the release's but for Helm's labels and hooks", async (t) => {
  for (const [name, theirs] of upstream) {
    if (theirs.kind === "CustomResourceDefinition") continue;
    t.same(ours.get(name), withoutHelmBookkeeping(theirs), name);
  }
});

t.test("stages: nothing before what it needs", async (t) => {
  const kinds = stages.map((stage) => stage.map((resource) => resource.kind));
  t.equal(stages.length, 4);
  t.same([...new Set(kinds[0])].sort(), ["CustomResourceDefinition", "Namespace", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"]);
  t.ok(kinds[1]!.includes("MutatingWebhookConfiguration"), "the webhook configuration exists before certgen patches its CA");
  t.ok(kinds[1]!.includes("ServiceAccount") && kinds[1]!.includes("ClusterRoleBinding"), "certgen's account and RBAC come first");
  t.same(kinds[2], ["Job"], "certgen runs alone, after its RBAC");
  t.same(kinds[3], ["Deployment"], "the controller starts once certgen wrote its Secrets");
  const volumes = at(stages[3]![0], "spec.template.spec.volumes") as { name: string; secret?: { secretName: string } }[];
  t.equal(volumes.find((volume) => volume.name === "certs")?.secret?.secretName, "envoy-gateway");
});

t.test("settings take effect", async (t) => {
  const tuned = byKey(render({ logLevel: "debug", replicas: 2 }).flat());
  const data = at(tuned.get("ConfigMap/envoy-gateway-system/envoy-gateway-config"), "data") as Record<string, string>;
  t.match(data["envoy-gateway.yaml"], /\n {4}default: debug\n/);
  t.equal(at(tuned.get("Deployment/envoy-gateway-system/envoy-gateway"), "spec.replicas"), 2);
});

t.test("another namespace is followed everywhere it appears", async (t) => {
  const moved = render({}, "eg");
  t.notMatch(JSON.stringify(moved), /envoy-gateway-system/, "no object, subject, name or selector keeps the default namespace");
  const all = byKey(moved.flat());
  t.ok(all.has("MutatingWebhookConfiguration/_/envoy-gateway-topology-injector.eg"));
  t.ok(all.has("ClusterRole/_/eg-gateway-helm-certgen:eg"));
});

t.test("renderJson's pieces print exactly render()'s stages without parsing the CRDs", async (t) => {
  for (const [raw, namespace] of [[{}, "envoy-gateway-system"], [{ logLevel: "debug", replicas: 3 }, "eg"]] as const) {
    const input = envoyGateway.parse(raw);
    const release = { name: "envoy-gateway", namespace };
    const pieces = envoyGateway.renderJson!(input, release);
    t.ok(pieces.join("") === JSON.stringify(envoyGateway.render(input, release)), `${namespace}: same text`);
    t.ok(pieces.length > 3, `${pieces.length} pieces: the CRDs are never joined into one string`);
  }
});

const bad: [unknown, string][] = [
  [{ logLevel: "loud" }, 'envoy-gateway: input.logLevel: must be one of debug, info, warn, error (got "loud")'],
  [{ replicas: 0 }, "envoy-gateway: input.replicas: must be a whole number from 1 to 10"],
  [{ replica: 1 }, "envoy-gateway: input.replica: is not a known field"],
];
rejectsBadInput(t, envoyGateway, bad);

t.test("the built bundle prints what the in-process render returns", async (t) => {
  const run = spawnSync(process.execPath, [builtFlight("envoy-gateway")], {
    input: '{"logLevel":"warn"}',
    env: { ...process.env, YOKE_RELEASE: "eg", YOKE_NAMESPACE: "eg-system" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  t.equal(run.status, 0, run.stderr);
  t.equal(run.stdout, JSON.stringify(render({ logLevel: "warn" }, "eg-system")) + "\n", "compact JSON: the output is mostly CRD schema");
});
