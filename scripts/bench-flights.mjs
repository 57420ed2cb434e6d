#!/usr/bin/env node
// Benchmark (not a test): render time of each flight in process and as a node process, and
// bundle sizes, split into CRD schema data and the rest.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { build } from "esbuild";
import { importDist, importPlanner, root } from "./flights.mjs";
import { commandLine } from "./cli.mjs";

await commandLine("bench-flights");

const runs = Number(process.env.BENCH_RUNS ?? 20);
const { parseHomelab } = await importDist("homelab/load.js");
const { planFlights, renderFlight } = await importPlanner();
// The migration example declares both entry points: every flight is measured.
const { homelab } = parseHomelab(readFileSync(join(root, "examples", "gateway.yaml"), "utf8"), "examples/gateway.yaml");
const plans = planFlights(homelab);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value) => `${value.toFixed(2)} ms`;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

function time(fn) {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Bytes of the minified bundle that come from CRD schema modules (esbuild's metafile). */
async function crdBytes(name) {
  const result = await build({
    entryPoints: [join(root, "flights", name, "main.ts")],
    bundle: true, platform: "node", format: "cjs", target: "node20", minify: true,
    legalComments: "none", write: false, metafile: true, logLevel: "error",
  });
  const output = Object.values(result.metafile.outputs)[0];
  return Object.entries(output.inputs)
    .filter(([path]) => /crd/i.test(path))
    .reduce((sum, [, info]) => sum + info.bytesInOutput, 0);
}

console.log(`flights: ${plans.length}, ${runs} runs each (medians)`);
let firstTotal = 0;
let warmTotal = 0;
for (const plan of plans) {
  const first = time(() => renderFlight(plan));
  const warm = median(Array.from({ length: runs }, () => time(() => renderFlight(plan))));
  firstTotal += first;
  warmTotal += warm;
  const bundle = join(root, "dist", "flights", `${plan.name}.js`);
  const processMs = median(
    Array.from({ length: Math.min(runs, 10) }, () =>
      time(() => spawnSync(process.execPath, [bundle], { input: JSON.stringify(plan.input), stdio: ["pipe", "ignore", "ignore"] })),
    ),
  );
  const bytes = readFileSync(bundle);
  const crd = await crdBytes(plan.name);
  console.log(
    `  ${plan.name.padEnd(14)} in-process first ${ms(first)}, warm ${ms(warm)}; node process ${ms(processMs)}; ` +
      `bundle ${kb(bytes.length)} (gzip ${kb(gzipSync(bytes).length)}), CRD schema data ${kb(crd)}, rest ${kb(bytes.length - crd)}`,
  );
}
console.log(`  all flights in process: first ${ms(firstTotal)}, warm ${ms(warmTotal)} (goal: under 50 ms together)`);
