#!/usr/bin/env node
// npm run tools: builds the real tools the tests run (test/tools/versions.json) from their Go
// modules, once per recipe, into a cache outside the work tree. Prints `name version path`.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, watch, writeFileSync } from "node:fs";
import { catalog, toolPath, toolsDir } from "../test/tools/catalog.mjs";
import { buildGo } from "../test/tools/go-build.mjs";
import { buildImage } from "../test/tools/image-build.mjs";

/** How each kind of tool is built; a recipe's `kind` defaults to go. */
const builders = { go: buildGo, image: buildImage };

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(`Usage: scripts/tools.mjs [tool ...]\n\nBuilds the test tools (default: all of ${Object.keys(catalog).join(", ")}) into ${toolsDir()}, once per recipe.`);
  process.exit(0);
}
const unknown = args.find((tool) => !catalog[tool]);
if (unknown) {
  console.error(`tools: no tool named ${unknown}; known: ${Object.keys(catalog).join(", ")}`);
  process.exit(2);
}
/** Is the process that wrote a lock still running? */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

/**
 * One build per tool at a time, across every checkout sharing the cache: two parallel builds of
 * kube-apiserver on two cores take twice as long each. A lock left by a dead process is taken over.
 */
async function lock(tool, path) {
  const file = `${path}.lock`;
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: "wx" });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
    }
    const holder = Number(readFileSync(file, "utf8"));
    if (!alive(holder)) {
      rmSync(file, { force: true });
      continue;
    }
    console.error(`tools: waiting for ${tool}: process ${holder} is building it`);
    await new Promise((resolve) => {
      const watcher = watch(toolsDir(), () => {
        if (existsSync(file) && alive(holder)) return;
        watcher.close();
        clearInterval(check);
        resolve();
      });
      // A holder killed outright removes nothing: notice its death too.
      const check = setInterval(() => watcher.emit("change"), 5_000);
    });
  }
}

mkdirSync(toolsDir(), { recursive: true });
for (const tool of args.length > 0 ? args : Object.keys(catalog)) {
  const recipe = catalog[tool];
  const path = toolPath(tool);
  const unlock = existsSync(path) ? undefined : await lock(tool, path);
  if (unlock && existsSync(path)) unlock();
  else if (unlock) {
    const started = Date.now();
    console.error(`tools: building ${tool} ${recipe.version} (once per recipe; the first run of all the tools takes a while, see README)`);
    // Built under a temporary name so an interrupted build never leaves a half-written tool.
    const partial = `${path}.partial-${process.pid}`;
    // go build is silent for minutes on a cold cache: say it is still working.
    const heartbeat = setInterval(() => console.error(`tools: still building ${tool} (${Math.round((Date.now() - started) / 1000)} s)`), 30_000);
    try {
      await builders[recipe.kind ?? "go"](tool, recipe, partial);
      renameSync(partial, path);
    } catch (error) {
      rmSync(partial, { recursive: true, force: true });
      console.error(`tools: ${tool}: ${error.message}`);
      unlock();
      process.exit(1);
    } finally {
      clearInterval(heartbeat);
      unlock();
    }
    console.error(`tools: built ${tool} in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  console.log(`${tool} ${recipe.version} ${path}`);
}
