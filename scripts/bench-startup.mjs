#!/usr/bin/env node
// Benchmark (not a test): how fast the command starts, beside a bare `node -e 0`: `hangar
// --version` (goal: at most 2.5 times node's start) and `hangar render` of the example (at most
// 4 times). The three run in turn, round after round, so a shared machine's load falls on all
// alike; each figure is the median wall time of a run, spawned as a user runs hangar.
// BENCH_RUNS sets the rounds (default 40); BENCH_HANGAR another hangar to measure.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { root } from "./flights.mjs";
import { commandLine } from "./cli.mjs";

await commandLine("bench-startup");

const runs = Number(process.env.BENCH_RUNS ?? 40);
const hangar = process.env.BENCH_HANGAR ?? join(root, "scripts", "hangar.mjs");
const example = join(root, "homelab.yaml");
const cases = [
  { name: "node -e 0", command: [process.execPath, "-e", "0"] },
  { name: "hangar --version", command: [hangar, "--version"], goal: 2.5 },
  { name: "hangar render", command: [hangar, "render", "--config", example], goal: 4 },
];

function once({ name, command: [file, ...args] }) {
  const start = process.hrtime.bigint();
  const result = spawnSync(file, args, { encoding: "utf8", maxBuffer: 16 << 20 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${name} failed (exit ${result.status}): ${result.stderr || result.error?.message}`);
  return ms;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
for (const item of cases) once(item); // warm the page cache
const times = cases.map(() => []);
for (let round = 0; round < runs; round++) cases.forEach((item, index) => times[index].push(once(item)));

const base = median(times[0]);
console.log(`start-up, median of ${runs} interleaved runs each (${hangar})`);
cases.forEach((item, index) => {
  const ms = median(times[index]);
  const ratio = item.goal ? `  ${(ms / base).toFixed(2)}x node (goal: at most ${item.goal}x${ms / base <= item.goal ? ", met" : ", MISSED"})` : "";
  console.log(`  ${item.name.padEnd(18)} ${ms.toFixed(1).padStart(7)} ms${ratio}`);
});
