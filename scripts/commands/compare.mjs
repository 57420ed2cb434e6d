#!/usr/bin/env node
// hangar's flights against the same stack from the upstream charts. Renders the flights in
// process from homelab.yaml (or --config FILE) and the helmfile side with `helmfile template`
// (helmfile and helm on PATH), or reads already rendered manifests with --reference DIR.
// Prints the report; exit 0 when every difference is declared, 1 when one is not, 2 on error.
import { fileURLToPath } from "node:url";
import { fs, path, os, which, $ } from "zx";
import { parseHomelab } from "../../lib/homelab/load.ts";
import { renderPlan as planAndRender } from "../../lib/flight/plan.ts";
import { parseHelmfile, installedReleases } from "../../lib/compare/helmfile.ts";
import { releasesFromFiles, isManifestPath } from "../../lib/compare/reference.ts";
import { compareStacks, undeclared } from "../../lib/compare/compare.ts";
import { formatReport } from "../../lib/compare/report.ts";
import { flights as registry } from "../../flights/index.ts";
import { readDeclarationText } from "./declaration.mjs";
import { write } from "./console.mjs";

/** An error (helmfile missing, a file unreadable) is exit 2; 1 means an undeclared difference. */
export const failureExitCode = 2;

const root = fileURLToPath(new URL("../../", import.meta.url));
const renderPlan = (homelab) => planAndRender(homelab, registry);
let helmfilePath;

export async function run(options) {
  const configPath = options.config ?? path.join(root, "homelab.yaml");
  helmfilePath = options.helmfile ?? path.join(root, "helmfile.yaml");
  const configText = readDeclarationText(configPath);
  const { homelab } = parseHomelab(configText, configPath);
  const helmfile = installedReleases(parseHelmfile(await read(helmfilePath, "helmfile state"), helmfilePath), homelab.addons);

  let start = performance.now();
  const flights = renderPlan(homelab);
  const hangarMs = performance.now() - start;

  start = performance.now();
  let upstream, label, source;
  if (options.reference) {
    upstream = releasesFromFiles(await manifestFiles(options.reference, isManifestPath), options.reference);
    [label, source] = ["reference", `rendered manifests in ${options.reference}`];
  } else {
    const out = await helmfileTemplate(configText);
    const rendered = releasesFromFiles(await manifestFiles(out, isManifestPath), out);
    // Every release was rendered, even one whose chart produced no object.
    upstream = helmfile.map((release) => rendered.find((candidate) => candidate.name === release.name) ?? { name: release.name, objects: [] });
    [label, source] = ["helmfile", `helmfile template (${path.relative(process.cwd(), helmfilePath) || helmfilePath})`];
  }
  const upstreamMs = performance.now() - start;

  const comparison = compareStacks({ flights, upstream, helmfile });
  write(
    formatReport(comparison, { upstreamLabel: label, upstreamSource: source, hangarMs, upstreamMs, flights: flights.length, releases: upstream.length }),
  );
  process.exitCode = undeclared(comparison).length > 0 ? 1 : 0;
}

async function read(file, what) {
  try {
    return await fs.readFile(file, "utf8");
  } catch (err) {
    throw new Error(`${file}: cannot read the ${what} (${err.code ?? err.message})`);
  }
}

/** Every manifest file below `dir`, with its path relative to it. */
async function manifestFiles(dir, isManifestPath) {
  if (!(await fs.stat(dir).catch(() => null))?.isDirectory()) throw new Error(`${dir}: not a folder of rendered manifests`);
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath ?? entry.path, entry.name)).split(path.sep).join("/"))
    .filter(isManifestPath);
  return Promise.all(files.map(async (file) => ({ path: file, text: await fs.readFile(path.join(dir, file), "utf8") })));
}

/**
 * `helmfile template` of a copy of helmfile.yaml and charts/ whose homelab.yaml is the chosen
 * declaration, so --config FILE reaches the values templates exactly as it reaches the flights.
 */
async function helmfileTemplate(configText) {
  for (const tool of ["helmfile", "helm"]) {
    if (!(await which(tool, { nothrow: true }))) {
      throw new Error(`${tool} is not on PATH: install helmfile and helm, or pass --reference DIR (manifests rendered elsewhere)`);
    }
  }
  const work = await fs.mkdtemp(path.join(os.tmpdir(), "hangar-compare-"));
  await fs.copyFile(helmfilePath, path.join(work, "helmfile.yaml"));
  await fs.cp(path.join(path.dirname(helmfilePath), "charts"), path.join(work, "charts"), { recursive: true });
  await fs.writeFile(path.join(work, "homelab.yaml"), configText);
  const out = path.join(work, "rendered");
  try {
    await $({ quiet: true })`helmfile --file ${path.join(work, "helmfile.yaml")} template --include-crds --output-dir ${out} --output-dir-template ${"{{ .OutputDir }}/{{ .Release.Name }}"}`;
  } catch (err) {
    throw new Error(`helmfile template failed: ${(err.stderr || err.message).trim().split("\n").pop()}`);
  }
  return out;
}
