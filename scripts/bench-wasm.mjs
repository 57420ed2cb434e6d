#!/usr/bin/env node
// Benchmark (not a test): each flight's wasm module against its JS build: size raw and
// gzipped, run time under node:wasi (whole process, and in process: first run including
// compilation, then warm), wasm memory and process RSS.
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WASI } from "node:wasi";
import { gzipSync } from "node:zlib";
import { importDist, importPlanner, root } from "./flights.mjs";
import { commandLine } from "./cli.mjs";

await commandLine("bench-wasm");

process.removeAllListeners("warning");
const runs = Number(process.env.BENCH_RUNS ?? 10);
const { parseHomelab } = await importDist("homelab/load.js");
const { planFlights } = await importPlanner();
// The migration example declares both entry points: every flight is measured.
const plans = planFlights(parseHomelab(readFileSync(join(root, "examples", "gateway.yaml"), "utf8"), "examples/gateway.yaml").homelab);
const wasmDir = join(root, "dist", "wasm");
if (plans.some((plan) => !existsSync(join(wasmDir, `${plan.name}.wasm`)))) {
  const { buildWasmFlights } = await import("../wasm/build.mjs");
  await buildWasmFlights(plans.map((plan) => plan.name));
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
const dir = mkdtempSync(join(tmpdir(), "hangar-bench-wasm-"));
process.once("exit", () => rmSync(dir, { recursive: true, force: true }));

function runOnce(module, plan) {
  const inputFile = join(dir, "in.json");
  writeFileSync(inputFile, JSON.stringify(plan.input));
  const stdin = openSync(inputFile, "r");
  const stdout = openSync(join(dir, "out.json"), "w");
  const stderr = openSync(join(dir, "err.txt"), "w");
  try {
    const wasi = new WASI({ version: "preview1", args: [plan.release], env: { YOKE_RELEASE: plan.release, YOKE_NAMESPACE: plan.namespace }, stdin, stdout, stderr, returnOnExit: true });
    const instance = new WebAssembly.Instance(module, wasi.getImportObject());
    wasi.start(instance);
    return instance.exports.memory.buffer.byteLength;
  } finally {
    [stdin, stdout, stderr].forEach((fd) => closeSync(fd));
  }
}

const runner = join(dir, "run.mjs");
writeFileSync(
  runner,
  `import { WASI } from "node:wasi"; import { existsSync, readFileSync } from "node:fs";
// CPU time of the main thread alone (Linux, 10 ms ticks): on a busy machine wall time mostly
// measures the wait for a core, and V8 tiers the module up on other threads.
const stat = \`/proc/self/task/\${process.pid}/stat\`;
const mainCpu = () => existsSync(stat) ? readFileSync(stat, "utf8").split(") ")[1].split(" ").slice(11, 13).reduce((sum, ticks) => sum + Number(ticks) * 10, 0) : NaN;
const bytes = readFileSync(process.argv[2]);
const cpu = mainCpu();
const start = performance.now();
const wasi = new WASI({ version: "preview1", args: [process.argv[3]], env: {}, returnOnExit: true });
wasi.start(new WebAssembly.Instance(new WebAssembly.Module(bytes), wasi.getImportObject()));
// A first run, compilation included, in a process that ran nothing before it.
process.stderr.write("\\nfirst-run-ms " + (performance.now() - start) + " cpu " + (mainCpu() - cpu));`,
);
const timeOf = (fn) => {
  const start = performance.now();
  const result = fn();
  return [performance.now() - start, result];
};

console.log(`wasm flights (${runs} runs, medians); goals: <= 1.5 MB raw / 600 KB gzipped, <= 100 ms first run (envoy-gateway, with its CRDs: <= 250 ms), inside yoke's 128 MiB and 10 s`);
for (const plan of plans) {
  const file = join(wasmDir, `${plan.name}.wasm`);
  const bytes = readFileSync(file);
  const [first, memory] = timeOf(() => runOnce(new WebAssembly.Module(bytes), plan));
  const module = new WebAssembly.Module(bytes);
  const warm = median(Array.from({ length: runs }, () => timeOf(() => runOnce(module, plan))[0]));
  const input = JSON.stringify(plan.input);
  const processes = Array.from({ length: runs }, () => timeOf(() => spawnSync(process.execPath, ["--no-warnings", runner, file, plan.release], { input, stdio: ["pipe", "ignore", "pipe"], encoding: "utf8" })));
  const wasmProcess = median(processes.map(([ms]) => ms));
  const freshFirst = median(processes.map(([, child]) => Number(child.stderr.match(/first-run-ms ([\d.]+) cpu/)?.[1])));
  const freshCpu = median(processes.map(([, child]) => Number(child.stderr.match(/ cpu ([\d.]+|NaN)$/)?.[1])));
  const jsProcess = median(Array.from({ length: runs }, () => timeOf(() => spawnSync(process.execPath, [join(root, "dist", "flights", `${plan.name}.js`)], { input, stdio: ["pipe", "ignore", "ignore"] }))[0]));
  const jsBytes = readFileSync(join(root, "dist", "flights", `${plan.name}.js`)).length;
  console.log(
    `  ${plan.name.padEnd(14)} ${kb(bytes.length)} raw, ${kb(gzipSync(bytes).length)} gzipped (${(bytes.length / jsBytes).toFixed(0)}x the JS bundle); ` +
      `first run ${freshFirst.toFixed(1)} ms in a fresh process${Number.isNaN(freshCpu) ? "" : ` (main thread CPU ${freshCpu} ms)`} (${first.toFixed(1)} ms in this one, after the flights before it), warm ${warm.toFixed(1)} ms; whole process ${wasmProcess.toFixed(0)} ms (JS build ${jsProcess.toFixed(0)} ms, ratio ${(wasmProcess / jsProcess).toFixed(2)}); ` +
      `wasm memory ${(memory / 1048576).toFixed(1)} MiB`,
  );
}
console.log(`  process RSS after all runs: ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`);
