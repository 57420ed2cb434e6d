// helmfile.yaml with its repository charts taken from a local folder laid out `<dir>/<chart>/`,
// for a comparison run where no chart repository is reachable. helmfile.yaml itself is never
// changed (users with the repositories keep them): this writes a temporary copy in which each
// release whose chart comes from a repository (`metallb/metallb`, an OCI `envoyproxy/gateway-helm`)
// points at `<dir>/<chart>`, checked against the pinned version, with dependency building
// skipped where the chart carries its dependencies (charts/ holds each of them), and the
// repositories no installed release needs any more dropped, so helmfile never contacts them.
import { isMap, isSeq, parseAllDocuments, parseDocument, type Document, type YAMLMap } from "yaml";
import { HelmfileError } from "./helmfile.ts";

/** A chart folder as read from disk: its Chart.yaml and the entries of its charts/ folder. */
export interface ChartFolder {
  /** Where the chart is, as helmfile will be told. */
  path: string;
  chartYaml: string;
  /** Names in `<chart>/charts/`: unpacked sub-chart folders and `<name>-<version>.tgz` archives. */
  bundled: readonly string[];
}

export interface LocalChart {
  path: string;
  name: string;
  version: string;
  /** Every dependency is in charts/: `helm dependency build` has nothing to fetch. */
  carriesDependencies: boolean;
}

interface Dependency {
  name: string;
  version?: string;
}

export function describeChart(folder: ChartFolder): LocalChart {
  const chart = parseDocument(folder.chartYaml).toJS() as { name?: unknown; version?: unknown; dependencies?: Dependency[] } | null;
  if (typeof chart?.name !== "string" || chart.version === undefined) throw new HelmfileError(`${folder.path}/Chart.yaml: name and version are required`);
  const dependencies = Array.isArray(chart.dependencies) ? chart.dependencies : [];
  const bundled = new Set(folder.bundled);
  const carried = (dependency: Dependency) => bundled.has(dependency.name) || bundled.has(`${dependency.name}-${dependency.version}.tgz`);
  return { path: folder.path, name: chart.name, version: String(chart.version), carriesDependencies: dependencies.every(carried) };
}

/** The chart name of a repository reference (`repo/chart`, `oci://host/path/chart`), else undefined. */
export function repositoryChart(chart: string, repositories: ReadonlySet<string>): { repository: string; chart: string } | undefined {
  if (chart.startsWith("oci://")) return { repository: "", chart: chart.split("/").pop()!.split(/[:@]/)[0]! };
  const [repository, name, ...rest] = chart.split("/");
  return rest.length === 0 && name && repositories.has(repository!) ? { repository: repository!, chart: name } : undefined;
}

const sameVersion = (a: string, b: string) => a.replace(/^v/, "") === b.replace(/^v/, "");

/**
 * The text of a helmfile state whose repository charts are the local ones. `charts` are the
 * folders found under `dir` by chart folder name; `installed` the releases the declaration
 * installs (each must find its chart there). Bad input: a HelmfileError naming the flag and folder.
 */
export function withLocalCharts(text: string, source: string, dir: string, charts: ReadonlyMap<string, LocalChart>, installed: ReadonlySet<string>): string {
  const documents = parseAllDocuments(text) as Document.Parsed[];
  for (const [index, doc] of documents.entries()) {
    if (doc.errors.length > 0) throw new HelmfileError(`${source}: part ${index + 1}: ${doc.errors[0]!.message.split("\n")[0]}`);
  }
  const repositories = new Set(documents.flatMap((doc) => seqMaps(doc, "repositories").map((repo) => String(repo.get("name")))));
  const stillNeeded = new Set<string>();
  for (const doc of documents) {
    for (const release of seqMaps(doc, "releases")) {
      const name = String(release.get("name"));
      const reference = repositoryChart(String(release.get("chart")), repositories);
      if (!reference) continue;
      const local = charts.get(reference.chart);
      if (!local) {
        if (!installed.has(name)) {
          stillNeeded.add(reference.repository);
          continue;
        }
        throw new HelmfileError(`--charts ${dir}: no chart folder ${dir}/${reference.chart} for release ${name} (chart ${release.get("chart")})`);
      }
      const pinned = release.get("version");
      if (pinned !== undefined && !sameVersion(String(pinned), local.version)) {
        throw new HelmfileError(`--charts ${dir}: ${local.path} holds ${local.name} ${local.version}, but ${source} pins ${pinned} for release ${name}`);
      }
      release.set("chart", local.path);
      // A local chart has the one version it holds: helm would ignore the pin.
      release.delete("version");
      if (local.carriesDependencies) release.set("skipDeps", true);
    }
  }
  for (const doc of documents) {
    const list = doc.get("repositories");
    if (!isSeq(list)) continue;
    list.items = list.items.filter((repo) => isMap(repo) && stillNeeded.has(String(repo.get("name"))));
    if (list.items.length === 0) doc.delete("repositories");
  }
  return documents.map((doc) => doc.toString({ lineWidth: 0 })).join("");
}

function seqMaps(doc: Document, key: string): YAMLMap[] {
  const list = doc.get(key);
  return isSeq(list) ? list.items.filter((item): item is YAMLMap => isMap(item)) : [];
}
