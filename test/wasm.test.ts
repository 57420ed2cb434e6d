// Every flight as a wasip1 module: byte-identical output to the JS build under two WASI
// implementations and two wazero versions (v1.6.0, the one yoke v0.20.27 embeds, and v1.12.0),
// the same errors for bad input, yoke's limits, the imports yoke allows, a valid and
// reproducible module, and JS number formatting (directed rounding) as V8 does it.
import t from "tap";
import { spawnSync, execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { planFlights } from "../lib/flight/plan.ts";
import { flights as registry } from "../flights/index.ts";
import { parseHomelab } from "../lib/homelab/load.ts";
import { builtFlight } from "./helpers/dist.ts";
import { runNodeWasi, runShimWasi, runWazero, wazeroRuntimes, wazeroVersion } from "./helpers/wasi.ts";
import { toolVersion } from "./helpers/tools.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
// The migration example declares both entry points, so every flight is built and run.
const exampleText = readFileSync(join(root, "examples", "gateway.yaml"), "utf8");

function toolchainMissing(): string | undefined {
  try {
    execFileSync("clang", ["--version"], { stdio: "ignore" });
    execFileSync("wasm-ld", ["--version"], { stdio: "ignore" });
    return undefined;
  } catch {
    return "clang and wasm-ld are not installed (scripts/setup-debian.sh installs them)";
  }
}

const missing = toolchainMissing();
const skip = missing && process.env.CI !== "true" ? `wasm tests skipped: ${missing}` : false;

t.test("wasm flights", { skip }, async (t) => {
  if (missing) t.fail(`CI must build the wasm flights: ${missing}`);
  const { buildWasmModule } = await import("../wasm/build.mjs");
  const out = t.testdir();
  const plans = planFlights(parseHomelab(exampleText, "homelab.yaml").homelab, registry);
  const modules = new Map<string, WebAssembly.Module>();
  for (const plan of plans) {
    const file = join(out, `${plan.name}.wasm`);
    await buildWasmModule(join(root, "flights", plan.name, "main.ts"), file);
    modules.set(plan.name, new WebAssembly.Module(readFileSync(file)));
  }

  await t.test("imports only wasi_snapshot_preview1, exports _start and memory, validates", async (t) => {
    const wabt = await createRequire(import.meta.url)("wabt")();
    for (const plan of plans) {
      const module = modules.get(plan.name)!;
      t.same([...new Set(WebAssembly.Module.imports(module).map((i) => i.module))], ["wasi_snapshot_preview1"], plan.name);
      const exports = WebAssembly.Module.exports(module).map((e) => e.name);
      t.ok(exports.includes("_start") && exports.includes("memory"), `${plan.name} exports ${exports.join(", ")}`);
      const parsed = wabt.readWasm(readFileSync(join(out, `${plan.name}.wasm`)), { readDebugNames: false });
      t.doesNotThrow(() => parsed.validate(), `${plan.name} passes wasm-validate`);
      parsed.destroy();
    }
  });

  await t.test("output is byte-identical to the JS build under both WASI implementations", async (t) => {
    for (const plan of plans) {
      const variants: unknown[] = [plan.input];
      if (plan.name === "metallb") variants.push({ logLevel: "debug", speaker: { tolerations: [{ key: "a", operator: "Exists" }] } });
      if (plan.name === "ingress-nginx") variants.push({ loadBalancerIP: "192.0.2.7", replicas: 2, config: { "use-gzip": "true", "ünïcode": "✓" } });
      if (plan.name === "envoy-gateway") variants.push({ logLevel: "debug", replicas: 2 });
      if (plan.name === "gateway") variants.push({ address: "192.0.2.8", addressPool: "edge", certificateSecret: "wildcard-tls" });
      for (const input of variants) {
        const text = JSON.stringify(input);
        const js = spawnSync(process.execPath, [builtFlight(plan.name), plan.release], { input: text, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: { ...process.env, YOKE_RELEASE: plan.release, YOKE_NAMESPACE: "lab", NAMESPACE: "lab" } });
        for (const [runtime, runWasm] of [["node:wasi", runNodeWasi], ["browser_wasi_shim", runShimWasi]] as const) {
          const wasm = runWasm(modules.get(plan.name)!, text, plan.release, "lab");
          t.equal(wasm.code, 0, `${plan.name} under ${runtime}`);
          t.ok(wasm.stdout === js.stdout, `${plan.name} ${text.slice(0, 40)}: same bytes under ${runtime}`);
          t.equal(wasm.stderr, js.stderr, `${plan.name}: same stderr under ${runtime}`);
        }
        for (const runtime of wazeroRuntimes) {
          const wazero = runWazero(runtime, join(out, `${plan.name}.wasm`), text, plan.release, "lab");
          t.equal(wazero.code, 0, `${plan.name} under ${runtime}: ${wazero.stderr}`);
          t.ok(wazero.stdout === js.stdout, `${plan.name} ${text.slice(0, 40)}: same bytes under ${runtime} with yoke's limits`);
          t.equal(wazero.stderr, js.stderr, `${plan.name}: same stderr under ${runtime}`);
        }
      }
    }
  });

  await t.test("bad input: the same message and a non-zero exit", async (t) => {
    const bad: [string, string][] = [
      ["metallb", '{"logLevel":"loud"}'], ["metallb-pool", "{}"], ["ingress-nginx", '{"loadBalancerIP":"10.0.0.300"}'], ["metallb", "not json"],
      ["envoy-gateway", '{"replicas":0}'], ["gateway", '{"address":"10.0.0.4","addresses":[]}'],
    ];
    for (const [name, input] of bad) {
      const js = spawnSync(process.execPath, [builtFlight(name)], { input, encoding: "utf8" });
      for (const runWasm of [runNodeWasi, runShimWasi]) {
        const wasm = runWasm(modules.get(name)!, input, name, "lab");
        t.equal(wasm.code, 1, `${name} ${input}`);
        t.equal(wasm.stdout, "");
        t.equal(wasm.stderr, js.stderr, `${name} ${input}: same stderr`);
      }
      for (const runtime of wazeroRuntimes) {
        const wazero = runWazero(runtime, join(out, `${name}.wasm`), input, name, "lab");
        t.same([wazero.code, wazero.stdout, wazero.stderr], [1, "", js.stderr], `${name} ${input} under ${runtime}`);
      }
    }
  });

  await t.test("number formatting matches V8, ties rounded away from zero", async (t) => {
    const fixture = join(root, "test", "fixtures", "rounding.ts");
    const file = join(out, "rounding.wasm");
    await buildWasmModule(fixture, file);
    const wasm = runNodeWasi(new WebAssembly.Module(readFileSync(file)), "", "rounding", "lab");
    const v8 = spawnSync(process.execPath, ["--import", "tsx", fixture], { encoding: "utf8" });
    t.equal(JSON.parse(wasm.stdout)[0], "3", "(2.5).toFixed(0)");
    t.same(JSON.parse(wasm.stdout), JSON.parse(v8.stdout));
  });

  await t.test("an uncaught error prints its message and stack and exits 1", async (t) => {
    const file = join(out, "throws.wasm");
    await buildWasmModule(join(root, "test", "fixtures", "throws.ts"), file);
    const run = runNodeWasi(new WebAssembly.Module(readFileSync(file)), "", "throws", "lab");
    t.equal(run.code, 1);
    t.equal(run.stdout, "");
    t.match(run.stderr, /^Error: boom in render\n\s+at /);
  });

  await t.test("the wazero builds embed the versions they are named for", async (t) => {
    t.same(wazeroRuntimes.map(wazeroVersion), wazeroRuntimes.map(toolVersion), "v1.6.0 as yoke v0.20.27 embeds it, and v1.12.0");
  });

  await t.test("a render fits yoke's limits, and a limit far below what it needs stops it", async (t) => {
    for (const plan of plans.filter((candidate) => ["metallb", "envoy-gateway"].includes(candidate.name))) {
      const input = JSON.stringify(plan.input);
      const file = join(out, `${plan.name}.wasm`);
      for (const runtime of wazeroRuntimes) {
        t.equal(runWazero(runtime, file, input, plan.name, "lab", { memoryMiB: 16 }).code, 0, `${plan.name} under ${runtime}: 16 MiB are enough`);
        const starved = runWazero(runtime, file, input, plan.name, "lab", { memoryMiB: 1 });
        t.not(starved.code, 0, `${plan.name} under ${runtime}: 1 MiB is not`);
        t.equal(starved.stdout, "", "and nothing half-rendered reaches stdout");
      }
    }
  });

  await t.test("a rebuild gives the same bytes", async (t) => {
    const again = join(t.testdir(), "metallb.wasm");
    await buildWasmModule(join(root, "flights", "metallb", "main.ts"), again);
    t.ok(readFileSync(again).equals(readFileSync(join(out, "metallb.wasm"))));
  });
});
