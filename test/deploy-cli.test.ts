// scripts/deploy.mjs as a user runs it, against the fake API server.
import t from "tap";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { fakeCluster } from "./helpers/cluster.ts";
import { examplePath } from "./helpers/example.ts";

const run = promisify(execFile);
const script = fileURLToPath(new URL("../scripts/deploy.mjs", import.meta.url));

t.test("deploy.mjs deploys, says where the ingress answers, and a re-run changes nothing", async (t) => {
  const { server, kubeconfig } = await fakeCluster();
  t.teardown(() => server.close());
  const env = { ...process.env, FORCE_COLOR: "0" };
  const first = await run(process.execPath, [script, "--kubeconfig", kubeconfig, "--config", examplePath], { env });
  t.match(first.stdout, "ingress-nginx: ingress answers on http://10.0.0.3/");
  t.match(first.stdout, /metallb\s+26 created in [\d.]+s, new revision recorded/);
  server.clearLog();
  const again = await run(process.execPath, [script, "--kubeconfig", kubeconfig, "--config", examplePath], { env });
  t.match(again.stdout, /ingress-nginx\s+19 unchanged in/);
  t.equal(server.requests.filter((r) => r.mutating).length, 0);
});

t.test("a missing kubeconfig context is one clear line", async (t) => {
  const { server, kubeconfig } = await fakeCluster();
  t.teardown(() => server.close());
  const result = await run(process.execPath, [script, "--kubeconfig", kubeconfig, "--context", "prod", "--config", examplePath]).catch((error) => error);
  t.equal(result.code, 1);
  t.equal(result.stderr.trim(), "kubeconfig has no context named prod");
});
