#!/usr/bin/env node
// Builds every flight to dist/flights/<name>.js (one self-contained file for plain node), the
// command line to dist/cli/, lib/ to dist/lib/ for the other scripts, and (without --js) every
// flight to dist/wasm/<name>.wasm.
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
    console.log("Usage: scripts/build.mjs [--js]\n\nBuild the flights to dist/flights/, the command line to dist/cli/, lib/ to dist/lib/ and (without --js) the flights to dist/wasm/.\n\nOptions:\n  --js        JavaScript only, no WebAssembly\n  -h, --help  show this help and exit\n\nExample:\n  scripts/build.mjs --js");
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
  await buildCommandLine();
}

/**
 * The command line as one bundle plus a chunk per command (scripts/commands/main.mjs loads a
 * command's chunk only when it runs): node reads a few files instead of hundreds of modules
 * (the Kubernetes client alone is thousands; bundled, deploy starts in a fraction of the time).
 * zx stays a package, loaded by the commands that run programs (doctor, compare).
 */
async function buildCommandLine() {
  const out = join(root, "dist", "cli");
  rmSync(out, { recursive: true, force: true });
  await build({
    entryPoints: [join(root, "scripts", "commands", "main.mjs")],
    outdir: out,
    bundle: true,
    splitting: true,
    platform: "node",
    format: "esm",
    target: "node20",
    minify: true,
    legalComments: "none",
    external: ["zx"],
    plugins: [await precompiledValidator()],
    // Bundled CommonJS packages (commander, ajv) call require() for node's own modules.
    banner: { js: 'import { createRequire as __hangarRequire } from "node:module"; const require = __hangarRequire(import.meta.url);' },
    logLevel: "error",
  });
}

/** lib/homelab/validator.ts as ajv's standalone code, compiled now instead of on every start. */
async function precompiledValidator() {
  const { compileHomelabValidator } = await import(join(root, "dist", "lib", "homelab", "validator.js"));
  const { default: standalone } = await import("ajv/dist/standalone/index.js");
  const { ajv, validate } = compileHomelabValidator({ source: true, esm: true });
  const code = `${standalone.default(ajv, validate)}\nexport { validate as validateHomelab };\n`;
  const source = join(root, "lib", "homelab", "validator.ts");
  return {
    name: "precompiled-validator",
    setup(build) {
      build.onLoad({ filter: /[\\/]lib[\\/]homelab[\\/]validator\.ts$/ }, (args) => (args.path === source ? { contents: code, loader: "js", resolveDir: dirname(source) } : undefined));
    },
  };
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
