// The comparison run on the migration example (both entry points) against what the MetalLB and
// ingress-nginx charts render and Envoy Gateway's install.yaml (rendered from its chart as
// release `eg`): every difference is declared, and a change to the envoy-gateway flight shows up
// undeclared.
import t from "tap";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compareStacks, undeclared } from "../lib/compare/compare.ts";
import { formatReport } from "../lib/compare/report.ts";
import { parseHelmfile } from "../lib/compare/helmfile.ts";
import { parseManifests } from "../lib/compare/manifests.ts";
import { renderPlan } from "../lib/flight/plan.ts";
import { flights as registry } from "../flights/index.ts";
import { parseHomelab } from "../lib/homelab/load.ts";
import type { Resource } from "../lib/flight/contract.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));
const upstreamDir = join(repo, "..", "shared", "upstream");
const helmfile = parseHelmfile(readFileSync(join(repo, "helmfile.yaml"), "utf8"), "helmfile.yaml");
const reference = (file: string) => parseManifests(readFileSync(join(upstreamDir, file), "utf8"), file);
const upstream = [
  { name: "metallb", objects: reference("helm-renders/metallb/manifest.yaml") },
  { name: "ingress-nginx", objects: reference("helm-renders/ingress-nginx/manifest.yaml") },
  { name: "eg", objects: reference("envoy-gateway-install-v1.9.0.yaml") },
];
const plan = () => renderPlan(parseHomelab(readFileSync(join(repo, "examples", "gateway.yaml"), "utf8"), "gateway.yaml").homelab, registry);
const context = { upstreamLabel: "reference", upstreamSource: "../shared/upstream", hangarMs: 0, upstreamMs: 0, flights: 5, releases: 3 };

t.test("helmfile.yaml installs Envoy Gateway as release eg and the Gateway after it, each only when declared", async (t) => {
  const eg = helmfile.find((release) => release.name === "eg")!;
  t.match(eg, { namespace: "envoy-gateway-system", chart: "envoyproxy/gateway-helm", version: "v1.9.0", needs: ["metallb-pool"] });
  t.match(helmfile.find((release) => release.name === "gateway"), { namespace: "envoy-gateway-system", chart: "./charts/gateway", needs: ["eg"] });
  const text = readFileSync(join(repo, "helmfile.yaml"), "utf8");
  for (const [release, key] of [["eg", "gateway"], ["gateway", "gateway"], ["ingress-nginx", "ingressNginx"]]) {
    t.match(text, new RegExp(`- name: ${release}\\n(?: {4}.*\\n)*? {4}installedTemplate: '\\{\\{ hasKey \\.StateValues\\.addons "${key}" \\}\\}'\\n`), `${release} only when ${key} is declared`);
  }
});

t.test("both entry points differ from the upstream files only where declared", async (t) => {
  const comparison = compareStacks({ flights: plan(), upstream, helmfile });
  t.same(undeclared(comparison), [], formatReport(comparison, context));
  t.equal(comparison.matched.length, upstream.flatMap((release) => release.objects).length, "every object of the three releases is matched");
  t.ok(comparison.findings.some((finding) => finding.difference.type === "needs" && /release eg/.test(finding.declared ?? "")), "the release name eg is declared");
});

t.test("a changed envoy-gateway object is reported undeclared", async (t) => {
  const changed = plan().map((flight) =>
    flight.name !== "envoy-gateway"
      ? flight
      : {
          ...flight,
          stages: flight.stages.map((stage) =>
            stage.map((resource): Resource => {
              if (resource.kind !== "Deployment") return resource;
              const copy = structuredClone(resource) as any;
              copy.spec.template.spec.containers[0].image = "docker.io/envoyproxy/gateway:v1.8.0";
              return copy;
            }),
          ),
        },
  );
  const findings = undeclared(compareStacks({ flights: changed, upstream, helmfile }));
  t.ok(findings.some((finding) => JSON.stringify(finding.difference).includes("v1.8.0")), formatReport(compareStacks({ flights: changed, upstream, helmfile }), context));
});
