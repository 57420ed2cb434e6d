// scripts/deploy.mjs as a user runs it, against the fake API server.
import t from "tap";
import { execFile, execFile as execFileCallback } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { fakeCluster } from "./helpers/cluster.ts";
import { edits, examplePath } from "./helpers/example.ts";

const run = promisify(execFile);
const script = fileURLToPath(new URL("../scripts/deploy.mjs", import.meta.url));

t.test("deploy.mjs deploys, says where the ingress answers, and a re-run changes nothing", async (t) => {
  const { server, kubeconfig } = await fakeCluster();
  t.teardown(() => server.close());
  const env = { ...process.env, FORCE_COLOR: "0" };
  const first = await run(process.execPath, [script, "--kubeconfig", kubeconfig, "--config", examplePath], { env });
  t.match(first.stdout, "ingress-nginx: entry point address 10.0.0.3 assigned to Service ingress-nginx/ingress-nginx-controller; `hangar doctor` checks that it answers on the LAN");
  t.notMatch(first.stdout, /answers on http/, "deploy never connects to the address, so it never says it answers");
  t.match(first.stdout, /metallb\s+26 created in [\d.]+s, new revision recorded/);
  t.match(first.stdout, /^metallb: waiting for Deployment\/metallb-system\/metallb-controller$/m, "piped: waits are plain lines too");
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

const deployEnv = { ...process.env, FORCE_COLOR: "0", NODE_OPTIONS: "" };
const runScript = (name: string, args: string[], input = "") =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFileCallback(process.execPath, [fileURLToPath(new URL(`../scripts/${name}.mjs`, import.meta.url)), ...args], { env: deployEnv }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(input);
  });

t.test("--dry-run and diff on a fresh cluster: everything would be created, exit 0, nothing written", async (t) => {
  const { server, kubeconfig } = await fakeCluster();
  t.teardown(() => server.close());
  const dry = await runScript("deploy", ["--dry-run", "--kubeconfig", kubeconfig, "--config", examplePath]);
  t.equal(dry.code, 0, dry.stderr);
  t.match(dry.stdout, "would create IPAddressPool/metallb-system/lan");
  t.match(dry.stdout, "would create Deployment/metallb-system/metallb-controller");
  t.match(dry.stdout, /metallb\s+26 would create in/);
  t.match(dry.stdout, /ingress-nginx\s+19 would create in/);
  t.notMatch(dry.stdout, /unchanged/);
  const diff = await runScript("diff", ["--kubeconfig", kubeconfig, "--config", examplePath]);
  t.equal(diff.code, 0, diff.stderr);
  t.match(diff.stdout, /metallb-pool\s+2 would create in/);
  t.equal(server.requests.filter((r) => r.mutating).length, 0, "nothing written");
});

t.test("diff after a deploy counts changes and deletions; pruning asks, and without a terminal only --yes confirms", async (t) => {
  const { server, kubeconfig } = await fakeCluster();
  t.teardown(() => server.close());
  const dir = t.testdir();
  const config = join(dir, "homelab.yaml");
  writeFileSync(config, edits(["addresses: [10.0.0.3/32]\n        autoAssign: true", "addresses: [10.0.0.3/32]\n        autoAssign: true\n      - name: spare\n        addresses: [10.0.0.9/32]"]));
  t.equal((await runScript("deploy", ["--kubeconfig", kubeconfig, "--config", config])).code, 0);
  writeFileSync(config, edits(["logLevel: info", "logLevel: debug"]));
  const diff = await runScript("diff", ["--kubeconfig", kubeconfig, "--config", config]);
  t.equal(diff.code, 0, diff.stderr);
  t.match(diff.stdout, /metallb\s+2 would change, 24 unchanged in/);
  t.match(diff.stdout, /metallb-pool\s+1 would delete, 2 unchanged in/);
  t.match(diff.stdout, "would delete IPAddressPool/metallb-system/spare");
  for (const id of ["Deployment/metallb-system/metallb-controller", "DaemonSet/metallb-system/metallb-speaker"]) {
    t.equal(diff.stdout.split(id).length - 1, 1, `${id} printed once`);
    t.match(diff.stdout, new RegExp(`  would change ${id}\n    - .*--log-level=info.*\n    \\+ .*--log-level=debug`), "its changes right under it");
  }

  server.clearLog();
  const refused = await runScript("deploy", ["--kubeconfig", kubeconfig, "--config", config], "yes\n");
  t.equal(refused.code, 1);
  t.match(refused.stdout, "This deploy deletes 1 object the flights no longer render:\n  IPAddressPool/metallb-system/spare");
  t.match(refused.stderr, "Not confirmed: no terminal to ask on (stdin is not a TTY); re-run with --yes to confirm; nothing was deployed or deleted.");
  t.same(server.requests.filter((r) => r.mutating && !r.path.endsWith("/leases/hangar-deploy")), [], "nothing written but the deploy lock, held while asking");
  t.notOk(server.get("coordination.k8s.io/v1", "Lease", "kube-system", "hangar-deploy")!.spec.holderIdentity, "and given back");

  const confirmed = await runScript("deploy", ["--kubeconfig", kubeconfig, "--config", config, "--yes"]);
  t.equal(confirmed.code, 0, confirmed.stderr);
  t.match(confirmed.stdout, "pruned IPAddressPool/metallb-system/spare");
  t.notOk(server.get("metallb.io/v1beta1", "IPAddressPool", "metallb-system", "spare"));
});

t.test("a missing kubeconfig is named as such", async (t) => {
  const result = await runScript("deploy", ["--kubeconfig", "/nonexistent/kubeconfig", "--config", examplePath]);
  t.equal(result.code, 1);
  t.equal(result.stderr.trim(), "/nonexistent/kubeconfig (--kubeconfig): cannot read the kubeconfig (ENOENT)");
});

t.test("colour only when asked for: FORCE_COLOR forces it, NO_COLOR and --no-color win", async (t) => {
  const { server, kubeconfig } = await fakeCluster();
  t.teardown(() => server.close());
  const colourOf = async (env: Record<string, string>, args: string[] = []) => {
    const result = await run(process.execPath, [fileURLToPath(new URL("../scripts/diff.mjs", import.meta.url)), "--kubeconfig", kubeconfig, "--config", examplePath, ...args], {
      env: { ...process.env, NODE_OPTIONS: "", NO_COLOR: "", FORCE_COLOR: "", ...env },
    });
    return /\x1b\[/.test(result.stdout);
  };
  t.equal(await colourOf({ FORCE_COLOR: "1" }), true);
  t.equal(await colourOf({ FORCE_COLOR: "1", NO_COLOR: "1" }), false);
  t.equal(await colourOf({ FORCE_COLOR: "1" }, ["--no-color"]), false);
});
