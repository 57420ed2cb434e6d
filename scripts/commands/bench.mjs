// hangar bench (npm run bench): every benchmark, one after the other, each printing its own figures.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { print } from "./console.mjs";

const parts = ["bench-startup.mjs", "bench-flights.mjs", "bench-wasm.mjs", "bench-deploy.mjs", "bench-deploy-real.mjs", "bench-helm.mjs", "bench-node.mjs"];
// These drive test helpers written in TypeScript: they run through tsx.
const typescript = new Set(["bench-deploy.mjs", "bench-deploy-real.mjs", "bench-helm.mjs", "bench-node.mjs"]);

export function run() {
  let failed = false;
  for (const part of parts) {
    const script = fileURLToPath(new URL(`../../scripts/${part}`, import.meta.url));
    if (!existsSync(script)) continue;
    print(`\n== ${part}`);
    const loader = typescript.has(part) ? ["--import", "tsx"] : part === "bench-wasm.mjs" ? ["--no-warnings"] : [];
    const result = spawnSync(process.execPath, [...loader, script], { stdio: "inherit" });
    failed ||= result.status !== 0;
  }
  process.exitCode = failed ? 1 : 0;
}
