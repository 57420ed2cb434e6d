// Real helm and helmfile (built by `npm run tools`) as a user has them: on PATH under their own
// names (helmfile runs `helm`), with Helm's configuration, cache and data in a folder of their
// own, never ~/.config/helm. The charts helmfile.yaml takes from repositories come from
// ../shared/upstream/charts (no chart repository is reachable here), through the same local
// copy of helmfile.yaml that `hangar compare --charts` makes.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeChart, withLocalCharts } from "../../lib/compare/local-charts.ts";
import { installedReleases, parseHelmfile } from "../../lib/compare/helmfile.ts";
import { parseHomelab } from "../../lib/homelab/load.ts";
import { realTool } from "./tools.ts";

const repo = fileURLToPath(new URL("../../", import.meta.url));
export const upstreamCharts = fileURLToPath(new URL("../../../shared/upstream/charts/", import.meta.url));

export interface ToolRun {
  stdout: string;
  stderr: string;
}

export interface HelmTools {
  /** PATH with helm and helmfile first, Helm's folders, and KUBECONFIG when given. */
  env: NodeJS.ProcessEnv;
  /** The folder of the PATH entry. */
  bin: string;
  /** Runs a program (helm, helmfile) with this environment; a failure carries its stderr. */
  run(tool: string, args: readonly string[], extraEnv?: NodeJS.ProcessEnv): Promise<ToolRun>;
  /** A copy of the project's helmfile.yaml and charts/ for this declaration, its repository charts local. */
  helmfileProject(configText: string, charts?: string): string;
  /** The values helmfile gives each release (helmfile write-values): a file per release name. */
  writeValues(helmfile: string): Promise<(release: string) => string>;
  close(): void;
}

export function helmTools(kubeconfig?: string): HelmTools {
  const dir = mkdtempSync(join(tmpdir(), "hangar-helm-"));
  const bin = join(dir, "bin");
  mkdirSync(bin);
  for (const tool of ["helm", "helmfile"] as const) symlinkSync(realTool(tool), join(bin, tool));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH ?? ""}`,
    HELM_CONFIG_HOME: join(dir, "helm", "config"),
    HELM_CACHE_HOME: join(dir, "helm", "cache"),
    HELM_DATA_HOME: join(dir, "helm", "data"),
    HELMFILE_CACHE_HOME: join(dir, "helmfile-cache"),
    ...(kubeconfig && { KUBECONFIG: kubeconfig }),
  };
  const run = (tool: string, args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}) =>
    new Promise<ToolRun>((resolve, reject) => {
      execFile(tool, args, { env: { ...env, ...extraEnv }, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 }, (error, stdout, stderr) => {
        if (error) reject(Object.assign(new Error(`${tool} ${args.join(" ")} failed: ${stderr.trim().split("\n").slice(-5).join("\n") || error.message}`), { stdout, stderr }));
        else resolve({ stdout, stderr });
      });
    });
  let projects = 0;
  const helmfileProject = (configText: string, chartsDir = upstreamCharts) => {
    const project = join(dir, `project-${++projects}`);
    cpSync(join(repo, "charts"), join(project, "charts"), { recursive: true });
    writeFileSync(join(project, "homelab.yaml"), configText);
    const charts = new Map(
      readdirSync(chartsDir).map((name) => {
        const path = join(chartsDir, name);
        const bundled = existsSync(join(path, "charts")) ? readdirSync(join(path, "charts")) : [];
        return [name, describeChart({ path, chartYaml: readFileSync(join(path, "Chart.yaml"), "utf8"), bundled })];
      }),
    );
    const text = readFileSync(join(repo, "helmfile.yaml"), "utf8");
    const installed = installedReleases(parseHelmfile(text, "helmfile.yaml"), parseHomelab(configText, "homelab.yaml").homelab.addons);
    writeFileSync(join(project, "helmfile.yaml"), withLocalCharts(text, "helmfile.yaml", chartsDir, charts, new Set(installed.map((release) => release.name))));
    return join(project, "helmfile.yaml");
  };
  const writeValues = async (helmfile: string) => {
    const out = mkdtempSync(join(dir, "values-"));
    await run("helmfile", ["--file", helmfile, "write-values", "--output-file-template", `${out}/{{ .Release.Name }}.yaml`]);
    return (release: string) => join(out, `${release}.yaml`);
  };
  return { env, bin, run, helmfileProject, writeValues, close: () => rmSync(dir, { recursive: true, force: true }) };
}
