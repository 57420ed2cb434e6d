// A --timeout longer than Node's timers hold (2^31 ms, 24.8 days) still waits: `deploy --timeout
// 600h` holds its gates open as long as they need, without a TimeoutOverflowWarning.
import t from "tap";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseDuration } from "../lib/cli/values.ts";
import { maxTimerMs, shortDuration } from "../lib/kube/deadline.ts";
import { deploy, examplePlan, fakeCluster } from "./helpers/cluster.ts";
import { examplePath } from "./helpers/example.ts";

const script = fileURLToPath(new URL("../scripts/deploy.mjs", import.meta.url));

t.test("600h parses to more than a single Node timer can hold", async (t) => {
  t.equal(parseDuration("600h"), 2_160_000_000);
  t.ok(parseDuration("600h") > maxTimerMs);
  t.equal(shortDuration(parseDuration("600h")), "600h");
  t.equal(shortDuration(parseDuration("1h30m")), "1h30m");
});

t.test("in process: a 600h deadline lets a held rollout finish, and no timer overflows", async (t) => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.name);
  process.on("warning", onWarning);
  t.teardown(() => process.removeListener("warning", onWarning));
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  server.hold("rollout");
  const flights = examplePlan().filter((flight) => flight.name === "metallb");
  const deploying = deploy(client, flights, { timeoutMs: parseDuration("600h") });
  // Released only once the applier is watching the held Deployment.
  await server.nextRequest((request) => request.watch && request.path.endsWith("/deployments"));
  server.release("rollout");
  const { summaries } = await deploying;
  t.equal(summaries[0]!.newRevision, true);
  t.same(warnings, [], "no TimeoutOverflowWarning");
});

t.test("deploy --timeout 600h waits for a gate that opens later", async (t) => {
  const { server, kubeconfig } = await fakeCluster();
  t.teardown(() => server.close());
  server.hold("rollout");
  const child = spawn(process.execPath, [script, "--kubeconfig", kubeconfig, "--config", examplePath, "--timeout", "600h"], { env: { ...process.env, FORCE_COLOR: "0" } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const watching = server.nextRequest((request) => request.watch && request.path.endsWith("/deployments"));
  const first = await Promise.race([watching.then(() => "watching"), exited.then(() => "exited")]);
  t.equal(first, "watching", `the deploy waits for the rollout instead of giving up: ${stderr}`);
  server.release("rollout");
  t.equal(await exited, 0, stderr);
  t.match(stdout, /metallb\s+26 created in/);
  t.notMatch(stderr, /TimeoutOverflowWarning|timed out/);
});
