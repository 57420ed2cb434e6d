#!/usr/bin/env node
// Builds every flight to dist/flights/<name>.js (one self-contained file for plain node),
// lib/ to dist/lib/ for the zx scripts, and (without --js) every flight to dist/wasm/<name>.wasm.
import { readdirSync, existsSync, rmSync, mkdirSync, writeFileSync } from "node:fs";
import { join, dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// The build makes dist/lib/cli, so it cannot use it: node's own strict parser, same rules
// (--help exits 0 without acting, anything unknown exits 2).
let jsOnly;
try {
  const { values } = parseArgs({ options: { js: { type: "boolean" }, help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: false });
  if (values.help) {
    console.log("Usage: scripts/build.mjs [--js]\n\nBuild the flights to dist/flights/, lib/ to dist/lib/ and (without --js) the flights to dist/wasm/.\n\nOptions:\n  --js        JavaScript only, no WebAssembly\n  -h, --help  show this help and exit\n\nExample:\n  scripts/build.mjs --js");
    process.exit(0);
  }
  jsOnly = values.js === true;
} catch (error) {
  console.error(`error: ${error.message}\n(run scripts/build.mjs --help for usage)`);
  process.exit(2);
}

function flightNames() {
  return readdirSync(join(root, "flights"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, "flights", entry.name, "main.ts")))
    .map((entry) => entry.name)
    .sort();
}

function libEntries(dir = join(root, "lib")) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return libEntries(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

async function buildJs(names) {
  rmSync(join(root, "dist", "flights"), { recursive: true, force: true });
  // The bundles are CommonJS so a copied file runs anywhere; this marks them so inside the repo.
  mkdirSync(join(root, "dist", "flights"), { recursive: true });
  writeFileSync(join(root, "dist", "flights", "package.json"), '{ "type": "commonjs" }\n');
  await Promise.all(
    names.map((name) =>
      build({
        entryPoints: [join(root, "flights", name, "main.ts")],
        outfile: join(root, "dist", "flights", `${name}.js`),
        bundle: true,
        platform: "node",
        format: "cjs",
        target: "node20",
        minify: true,
        legalComments: "none",
        logLevel: "error",
      }),
    ),
  );
  await build({
    // The flights' registry goes beside lib/ so the scripts can hand it to the planner.
    entryPoints: [
      ...libEntries().map((path) => ({ in: path, out: relative(join(root, "lib"), path).replace(/\.ts$/, "") })),
      { in: join(root, "flights", "index.ts"), out: "registry" },
    ],
    outdir: join(root, "dist", "lib"),
    bundle: true,
    splitting: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "error",
  });
}

const names = flightNames();
await buildJs(names);
let summary = `built ${names.length} flights to dist/flights/`;
if (!jsOnly) {
  const { buildWasmFlights } = await import("../wasm/build.mjs");
  await buildWasmFlights(names);
  summary += " and dist/wasm/";
}
console.log(summary);
