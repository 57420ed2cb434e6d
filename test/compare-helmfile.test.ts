// The comparison run as a user runs it: `hangar compare --charts DIR` with the real helmfile
// v1.8.0 and helm v4.3.2 on PATH, helmfile.yaml's repository charts taken from
// ../shared/upstream/charts. Four declarations differ from what helmfile renders only where
// declared; a changed chart value shows up undeclared; bad --charts input is one line, exit 2.
import t from "tap";
import { execFile } from "node:child_process";
import { cpSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { helmTools, upstreamCharts } from "./helpers/helm-tools.ts";

t.setTimeout(600_000);
const repo = fileURLToPath(new URL("..", import.meta.url));
const hangar = join(repo, "scripts", "hangar.mjs");
const tools = helmTools();
t.teardown(tools.close);

function compare(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [hangar, "compare", ...args], { env: { ...tools.env, FORCE_COLOR: "0" }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const declarations = [
  ["the example homelab", join(repo, "homelab.yaml"), 3],
  ["the migration example (ingress-nginx and the Gateway)", join(repo, "examples", "gateway.yaml"), 5],
  ["several pools, two ingress replicas", join(repo, "test", "fixtures", "homelab-pools.yaml"), 3],
  ["the Gateway only, with HTTPS", join(repo, "test", "fixtures", "homelab-gateway-only.yaml"), 4],
] as const;

for (const [label, config, flights] of declarations) {
  t.test(`${label}: helmfile template renders what the flights render, every difference declared`, async (t) => {
    const { code, stdout, stderr } = await compare("--charts", upstreamCharts, "--config", config);
    t.equal(code, 0, stderr || stdout);
    t.match(stdout, new RegExp(`^hangar vs helmfile: helmfile template \\(.*helmfile\\.yaml, charts from ${upstreamCharts.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}\\)`));
    t.match(stdout, new RegExp(`render time +hangar [\\d.]+ m?s \\(${flights} flights, \\d+ objects\\) +helmfile [\\d.]+ m?s \\(\\d+ releases, \\d+ objects\\)`));
    t.match(stdout, /fields: 0 differences/, "not one field differs: a takeover changes no pod template");
    const summary = /summary: (\d+) differences, (\d+) declared, (\d+) undeclared\n$/.exec(stdout);
    t.ok(summary, stdout);
    t.equal(summary![3], "0", "no undeclared difference");
    t.equal(summary![1], summary![2]);
  });
}

t.test("a chart value the flights do not follow is an undeclared difference, and fails the run", async (t) => {
  // A copy of helmfile.yaml and charts/ whose MetalLB values pin the speaker's log level.
  const project = t.testdir();
  cpSync(join(repo, "charts"), join(project, "charts"), { recursive: true });
  cpSync(join(repo, "helmfile.yaml"), join(project, "helmfile.yaml"));
  const values = join(project, "charts", "values", "metallb.yaml.gotmpl");
  writeFileSync(values, readFileSync(values, "utf8").replace("speaker:\n  logLevel: {{ $logLevel }}", "speaker:\n  logLevel: debug"));
  const { code, stdout } = await compare("--charts", upstreamCharts, "--helmfile", join(project, "helmfile.yaml"), "--config", join(repo, "homelab.yaml"));
  t.equal(code, 1);
  t.match(stdout, /DaemonSet metallb-system\/metallb-speaker\n(.*\n)*? {4}container speaker: arg --log-level  \[restarts pods\]\n +hangar info +helmfile debug\n +UNDECLARED/);
  t.match(stdout, /summary: \d+ differences, \d+ declared, 1 undeclared\n/);
});

t.test("bad --charts input: one line naming the flag and the folder, exit 2, before helmfile runs", async (t) => {
  const missing = join(repo, "no-such-folder");
  const none = await compare("--charts", missing);
  t.equal(none.code, 2);
  t.match(none.stderr, new RegExp(`^--charts ${missing}: not a folder of charts \\(ENOENT\\)\\n$`));

  const dir = t.testdir({
    partial: { "ingress-nginx": { "Chart.yaml": "apiVersion: v2\nname: ingress-nginx\nversion: 4.15.1\n" } },
    older: { "ingress-nginx": { "Chart.yaml": "apiVersion: v2\nname: ingress-nginx\nversion: 4.14.3\n" } },
  });
  const partial = join(dir, "partial");
  const withoutMetallb = await compare("--charts", partial);
  t.equal(withoutMetallb.code, 2);
  t.equal(withoutMetallb.stderr, `--charts ${partial}: no chart folder ${partial}/metallb for release metallb (chart metallb/metallb)\n`);

  const older = join(dir, "older");
  symlinkSync(join(upstreamCharts, "metallb"), join(older, "metallb"));
  const mismatch = await compare("--charts", older);
  t.equal(mismatch.code, 2);
  t.equal(mismatch.stderr, `--charts ${older}: ${join(older, "ingress-nginx")} holds ingress-nginx 4.14.3, but ${join(repo, "helmfile.yaml")} pins 4.15.1 for release ingress-nginx\n`);

  const both = await compare("--charts", upstreamCharts, "--reference", upstreamCharts);
  t.equal(both.code, 2);
  t.match(both.stderr, /--charts.*--reference|--reference.*--charts/);
});
