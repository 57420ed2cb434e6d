// scripts/deploy.mjs as a user runs it, against the fake API server.
import t from "tap";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { fakeCluster } from "./helpers/cluster.ts";
import { examplePath } from "./helpers/example.ts";
import { runScript, runToEnd } from "./helpers/script-process.ts";

const run = promisify(execFile);
const script = fileURLToPath(new URL("../scripts/deploy.mjs", import.meta.url));

t.test("deploy.mjs deploys, says where the ingress answers, and a re-run changes nothing", async (t) => {
  const { server, kubeconfig } = await fakeCluster();
  t.teardown(() => server.close());
  const env = { ...process.env, FORCE_COLOR: "0" };
  // MetalLB's controller held from rolling out, so that its wait is seen whatever the machine's load.
  server.hold("rollout");
  const deploying = runScript("deploy", ["--kubeconfig", kubeconfig, "--config", examplePath]);
  await deploying.untilOutput(/^metallb: waiting for Deployment\/metallb-system\/metallb-controller$/m);
  server.release("rollout");
  t.equal(await deploying.exited, 0, deploying.stderr());
  const first = { stdout: deploying.stdout() };
  t.match(first.stdout, "ingress-nginx: entry point address 10.0.0.3 assigned to Service ingress-nginx/ingress-nginx-controller; `hangar doctor` checks that it answers on the LAN");
  t.notMatch(first.stdout, /answers on http/, "deploy never connects to the address, so it never says it answers");
  t.match(first.stdout, /metallb\s+26 created in [\d.]+s, new revision recorded/);
  t.match(first.stdout, /^metallb: waiting for Deployment\/metallb-system\/metallb-controller$/m, "piped: waits are plain lines too");
  t.equal(first.stdout.match(/^metallb: waiting for Deployment\/metallb-system\/metallb-controller$/gm)!.length, 1, "each wait once");
  t.notMatch(first.stdout, /\x1b\[/, "no colour or cursor movement when piped");
  server.clearLog();
  const again = await run(process.execPath, [script, "--kubeconfig", kubeconfig, "--config", examplePath], { env });
  t.match(again.stdout, /ingress-nginx\s+19 unchanged in/);
  const writes = server.requests.filter((r) => r.mutating).map((r) => `${r.method} ${r.path}`);
  t.same(writes, ["PATCH /apis/coordination.k8s.io/v1/namespaces/kube-system/leases/hangar-deploy", "PATCH /apis/coordination.k8s.io/v1/namespaces/kube-system/leases/hangar-deploy"], "nothing but the deploy lock, taken and given back");
});

t.test("a missing kubeconfig context is one clear line", async (t) => {
  const { server, kubeconfig } = await fakeCluster();
  t.teardown(() => server.close());
  const result = await run(process.execPath, [script, "--kubeconfig", kubeconfig, "--context", "prod", "--config", examplePath]).catch((error) => error);
  t.equal(result.code, 1);
  t.equal(result.stderr.trim(), "kubeconfig has no context named prod");
});

t.test("--dry-run and diff on a fresh cluster: everything would be created, exit 0, nothing written", async (t) => {
  const { server, kubeconfig } = await fakeCluster();
  t.teardown(() => server.close());
  const dry = await runToEnd("deploy", ["--dry-run", "--kubeconfig", kubeconfig, "--config", examplePath]);
  t.equal(dry.code, 0, dry.stderr);
  t.match(dry.stdout, "would create IPAddressPool/metallb-system/lan");
  t.match(dry.stdout, "would create Deployment/metallb-system/metallb-controller");
  t.match(dry.stdout, /metallb\s+26 would create in/);
  t.match(dry.stdout, /ingress-nginx\s+19 would create in/);
  t.notMatch(dry.stdout, /unchanged/);
  const diff = await runToEnd("diff", ["--kubeconfig", kubeconfig, "--config", examplePath]);
  t.equal(diff.code, 0, diff.stderr);
  t.match(diff.stdout, /metallb-pool\s+2 would create in/);
  t.equal(server.requests.filter((r) => r.mutating).length, 0, "nothing written");
});

t.test("a missing kubeconfig is named as such", async (t) => {
  const result = await runToEnd("deploy", ["--kubeconfig", "/nonexistent/kubeconfig", "--config", examplePath]);
  t.equal(result.code, 1);
  t.equal(result.stderr.trim(), "/nonexistent/kubeconfig (--kubeconfig): cannot read the kubeconfig (ENOENT)");
});
