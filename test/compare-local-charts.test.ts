// The local copy of helmfile.yaml that `hangar compare --charts` hands helmfile: repository charts
// become chart folders, pins are checked and dropped, dependency building is skipped where the
// chart carries its dependencies, and no repository is left for helmfile to contact.
import t from "tap";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { describeChart, repositoryChart, withLocalCharts, type LocalChart } from "../lib/compare/local-charts.ts";

const helmfileText = readFileSync(fileURLToPath(new URL("../helmfile.yaml", import.meta.url)), "utf8");
const chart = (name: string, version: string, carriesDependencies = true): [string, LocalChart] => [name, { path: `/charts/${name}`, name, version, carriesDependencies }];
const local = new Map([chart("metallb", "0.16.1"), chart("ingress-nginx", "4.15.1", false), chart("gateway-helm", "v1.9.0")]);
const everything = new Set(["metallb-namespace", "metallb", "metallb-pool", "ingress-nginx", "eg", "gateway"]);

function state(text: string) {
  const [, second] = parseAllDocuments(text).map((doc) => doc.toJS());
  return second as { repositories?: { name: string }[]; releases: Record<string, unknown>[] };
}

t.test("a chart carries its dependencies when charts/ holds each, unpacked or as name-version.tgz", async (t) => {
  const chartYaml = "apiVersion: v2\nname: metallb\nversion: 0.16.1\ndependencies:\n- name: crds\n  version: 0.16.1\n- name: frr-k8s\n  repository: https://metallb.github.io/frr-k8s\n  version: 0.0.25\n";
  t.same(describeChart({ path: "/c/metallb", chartYaml, bundled: ["crds", "frr-k8s-0.0.25.tgz"] }), { path: "/c/metallb", name: "metallb", version: "0.16.1", carriesDependencies: true });
  t.equal(describeChart({ path: "/c/metallb", chartYaml, bundled: ["crds", "frr-k8s-0.0.24.tgz"] }).carriesDependencies, false, "another version of a dependency is not it");
  t.equal(describeChart({ path: "/c/metallb", chartYaml, bundled: [] }).carriesDependencies, false);
  t.equal(describeChart({ path: "/c/plain", chartYaml: "name: plain\nversion: 1.0.0\n", bundled: [] }).carriesDependencies, true, "no dependencies: nothing to build");
  t.throws(() => describeChart({ path: "/c/broken", chartYaml: "name: broken\n", bundled: [] }), { message: "/c/broken/Chart.yaml: name and version are required" });
});

t.test("repository references are told from local paths", async (t) => {
  const repositories = new Set(["metallb", "envoyproxy"]);
  t.same(repositoryChart("metallb/metallb", repositories), { repository: "metallb", chart: "metallb" });
  t.same(repositoryChart("envoyproxy/gateway-helm", repositories), { repository: "envoyproxy", chart: "gateway-helm" });
  t.same(repositoryChart("oci://docker.io/envoyproxy/gateway-helm:v1.9.0", repositories), { repository: "", chart: "gateway-helm" });
  t.equal(repositoryChart("./charts/metallb-pool", repositories), undefined);
  t.equal(repositoryChart("charts/gateway", repositories), undefined, "a relative folder, not a repository");
});

t.test("every repository chart points at its folder; local charts, values and needs stay as they are", async (t) => {
  const text = withLocalCharts(helmfileText, "helmfile.yaml", "/charts", local, everything);
  const { repositories, releases } = state(text);
  t.equal(repositories, undefined, "no repository left to contact");
  const byName = Object.fromEntries(releases.map((release) => [release.name, release]));
  t.match(byName.metallb, { chart: "/charts/metallb", skipDeps: true, needs: ["kube-system/metallb-namespace"], values: ["charts/values/metallb.yaml.gotmpl"] });
  t.notOk("version" in byName.metallb!, "the pin was checked, then dropped");
  t.match(byName["ingress-nginx"], { chart: "/charts/ingress-nginx", installedTemplate: '{{ hasKey .StateValues.addons "ingressNginx" }}' });
  t.notOk("skipDeps" in byName["ingress-nginx"]!, "dependencies are built where the chart does not carry them");
  t.match(byName.eg, { chart: "/charts/gateway-helm", skipDeps: true });
  t.same(byName["metallb-pool"], state(helmfileText).releases.find((release) => release.name === "metallb-pool"));
  t.match(text, /^environments:\n {2}default:\n {4}values:\n {6}- homelab\.yaml\n---\n/m, "the environment part is kept");
  t.match(text, /# What helmfile cannot do here, and hangar does:/, "and so are the comments");
});

t.test("a release the declaration does not install may lack its folder; its repository stays", async (t) => {
  const withoutGateway = new Map([...local].filter(([name]) => name !== "gateway-helm"));
  const installed = new Set([...everything].filter((name) => name !== "eg" && name !== "gateway"));
  const { repositories, releases } = state(withLocalCharts(helmfileText, "helmfile.yaml", "/charts", withoutGateway, installed));
  t.same(repositories?.map((repository) => repository.name), ["envoyproxy"]);
  t.match(releases.find((release) => release.name === "eg"), { chart: "envoyproxy/gateway-helm", version: "v1.9.0" });
  t.throws(() => withLocalCharts(helmfileText, "helmfile.yaml", "/charts", withoutGateway, everything), {
    message: "--charts /charts: no chart folder /charts/gateway-helm for release eg (chart envoyproxy/gateway-helm)",
  });
});

t.test("a chart folder of another version than the pin is refused", async (t) => {
  const older = new Map([...local, chart("metallb", "0.15.2")]);
  t.throws(() => withLocalCharts(helmfileText, "helmfile.yaml", "/charts", older, everything), {
    message: "--charts /charts: /charts/metallb holds metallb 0.15.2, but helmfile.yaml pins 0.16.1 for release metallb",
  });
  t.doesNotThrow(() => withLocalCharts(helmfileText, "helmfile.yaml", "/charts", new Map([...local, chart("gateway-helm", "1.9.0")]), everything), "v1.9.0 and 1.9.0 are one version");
});
