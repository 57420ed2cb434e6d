// Fast start, as far as a test can tell without a clock (npm run bench measures the time): the
// command runs from its bundle in dist/cli/, `--version` reads nothing else, and `render` loads
// its own chunks and no package at all (no Kubernetes client, no zx, no compiled-at-start
// validator). A module hook in the child records every module node loads.
import t, { type Test } from "tap";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { hangar, hangarBin, hangarEnv } from "./helpers/hangar.ts";
import { examplePath } from "./helpers/example.ts";

const root = fileURLToPath(new URL("../", import.meta.url));

/** Runs hangar with a hook that logs every module it loads; returns them relative to the project. */
async function loadedModules(t: Test, args: string[]): Promise<{ modules: string[]; code: number | null; stdout: string }> {
  const dir = t.testdir();
  const log = join(dir, "modules.log");
  writeFileSync(log, "");
  const hooks = join(dir, "hooks.mjs");
  writeFileSync(
    hooks,
    `import { appendFileSync } from "node:fs";
let log;
export function initialize(data) { log = data.log; }
export async function load(url, context, next) { appendFileSync(log, url + "\\n"); return next(url, context); }
`,
  );
  const register = join(dir, "register.mjs");
  writeFileSync(register, `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)}, { data: { log: ${JSON.stringify(log)} } });\n`);
  const run = await hangar(args, { env: { ...hangarEnv(), NODE_OPTIONS: `--import=${pathToFileURL(register).href}` } });
  const modules = readFileSync(log, "utf8")
    .split("\n")
    .filter((url) => url.startsWith("file:"))
    .map((url) => fileURLToPath(url).slice(root.length));
  // tap instruments every node process a test spawns: what it loads comes before hangar.
  return { modules: modules.slice(modules.indexOf("scripts/hangar.mjs")), code: run.code, stdout: run.stdout };
}

t.test("package.json bin is an executable file that runs the bundle", async (t) => {
  const bin = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).bin.hangar;
  t.equal(join(root, bin), hangarBin);
  t.ok(statSync(hangarBin).mode & 0o111, "executable");
});

t.test("--version loads the entry, the bundle's first file and nothing else", async (t) => {
  const { modules, code, stdout } = await loadedModules(t, ["--version"]);
  t.equal(code, 0);
  t.match(stdout, /^\d+\.\d+\.\d+\n$/);
  t.same(modules.slice(0, 3), ["scripts/hangar.mjs", "scripts/entry.mjs", "dist/cli/main.js"]);
  t.same(modules.slice(3).filter((path) => !/^dist\/cli\/chunk-\w+\.js$/.test(path)), [], "then only the chunks the dispatcher shares with the commands");
});

/** The chunk holding the Kubernetes client's kubeconfig loader. */
function kubeClientChunk(): string {
  const chunks = readdirSync(join(root, "dist", "cli")).filter((name) => readFileSync(join(root, "dist", "cli", name), "utf8").includes("loadFromDefault"));
  if (chunks.length !== 1) throw new Error(`expected one chunk with the Kubernetes client, found ${chunks.join(", ") || "none"}`);
  return `dist/cli/${chunks[0]}`;
}

t.test("render loads only the bundle's chunks: no package, no Kubernetes client", async (t) => {
  const { modules, code, stdout } = await loadedModules(t, ["render", "--config", examplePath]);
  t.equal(code, 0);
  t.match(stdout, "hangar plan for home-01");
  t.same(modules.slice(0, 3), ["scripts/hangar.mjs", "scripts/entry.mjs", "dist/cli/main.js"]);
  t.same(modules.filter((path) => !path.startsWith("dist/cli/") && !path.startsWith("scripts/")), [], "everything else comes from dist/cli/");
  t.ok(modules.some((path) => /^dist\/cli\/render-\w+\.js$/.test(path)), "the render command's chunk");
  t.notOk(modules.some((path) => /^dist\/cli\/(deploy|adopt|doctor|provision)-/.test(path)), "no other command's");
  t.notOk(modules.includes(kubeClientChunk()), "not the Kubernetes client");
});

t.test("what the hook sees when a command does load them: deploy the Kubernetes client, doctor zx", async (t) => {
  const missing = join(t.testdir(), "missing");
  t.ok((await loadedModules(t, ["deploy", "--config", examplePath, "--kubeconfig", missing])).modules.includes(kubeClientChunk()));
  t.ok((await loadedModules(t, ["doctor", "--config", missing])).modules.some((path) => path.startsWith("node_modules/zx/")));
});
