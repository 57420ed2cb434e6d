#!/usr/bin/env node
// npm run tools: builds the real tools the tests run (test/tools/versions.json) from their Go
// modules, once per version, into a cache outside the work tree. Prints `name version path`.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { root } from "./flights.mjs";

const toolsRoot = join(root, "test", "tools");
const versions = JSON.parse(readFileSync(join(toolsRoot, "versions.json"), "utf8"));
const cache = process.env.HANGAR_TOOLS_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "hangar", "tools");

function goBuild(tool, output) {
  const { module, package: pkg, modfile } = versions[tool];
  return new Promise((resolve, reject) => {
    // -modfile: one source tree built against a second go.mod (another release of a library).
    // -trimpath and no VCS stamp: the same version builds the same binary wherever it is built.
    const child = spawn("go", ["build", ...(modfile ? [`-modfile=${modfile}`] : []), "-trimpath", "-buildvcs=false", "-ldflags=-s -w", "-o", output, pkg], {
      cwd: join(toolsRoot, module),
      stdio: ["ignore", "inherit", "inherit"],
      // Go's own install folder is searched last, for shells whose PATH lacks it.
      env: { ...process.env, GOFLAGS: "-mod=readonly", PATH: `${process.env.PATH ?? ""}:/usr/local/go/bin` },
    });
    child.on("error", (error) => reject(new Error(error.code === "ENOENT" ? "go is not on PATH: install Go 1.26 to build the test tools" : error.message)));
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`go build of ${tool} failed (exit ${code})`))));
  });
}

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(`Usage: scripts/tools.mjs [tool ...]\n\nBuilds the test tools (default: all of ${Object.keys(versions).join(", ")}) into ${cache}, once per version.`);
  process.exit(0);
}
const unknown = args.find((tool) => !versions[tool]);
if (unknown) {
  console.error(`tools: no tool named ${unknown}; known: ${Object.keys(versions).join(", ")}`);
  process.exit(2);
}
mkdirSync(cache, { recursive: true });
for (const tool of args.length > 0 ? args : Object.keys(versions)) {
  const { version } = versions[tool];
  const path = join(cache, `${tool}-${version}`);
  if (!existsSync(path)) {
    const started = Date.now();
    console.error(`tools: building ${tool} ${version} (once per version; all the tools together take 5 to 10 minutes the first time)`);
    // Built under a temporary name so an interrupted build never leaves a half-written tool.
    const partial = `${path}.partial-${process.pid}`;
    // go build is silent for minutes on a cold cache: say it is still working.
    const heartbeat = setInterval(() => console.error(`tools: still building ${tool} (${Math.round((Date.now() - started) / 1000)} s)`), 30_000);
    try {
      await goBuild(tool, partial);
      renameSync(partial, path);
    } catch (error) {
      rmSync(partial, { force: true });
      console.error(`tools: ${error.message}`);
      process.exit(1);
    } finally {
      clearInterval(heartbeat);
    }
    console.error(`tools: built ${tool} in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  console.log(`${tool} ${version} ${path}`);
}
