#!/usr/bin/env node
// npm run bench: every benchmark, one after the other, each printing its own figures.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { root } from "./flights.mjs";
import { commandLine } from "./cli.mjs";

await commandLine("bench");

const parts = ["bench-flights.mjs", "bench-wasm.mjs", "bench-deploy.mjs", "bench-deploy-real.mjs", "bench-helm.mjs"];
// These drive test helpers written in TypeScript: they run through tsx.
const typescript = new Set(["bench-deploy.mjs", "bench-deploy-real.mjs", "bench-helm.mjs"]);
let failed = false;
for (const part of parts) {
  const script = join(root, "scripts", part);
  if (!existsSync(script)) continue;
  console.log(`\n== ${part}`);
  const loader = typescript.has(part) ? ["--import", "tsx"] : part === "bench-wasm.mjs" ? ["--no-warnings"] : [];
  const result = spawnSync(process.execPath, [...loader, script], { stdio: "inherit" });
  failed ||= result.status !== 0;
}
process.exit(failed ? 1 : 0);
