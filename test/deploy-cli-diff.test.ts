// scripts/diff.mjs and deploy.mjs on a cluster where something changed: what diff reports (each
// object once, its changes under it, in colour only when asked for), and pruning that asks first
// (Ctrl-C at the question stops at once and gives the deploy lock back).
import t from "tap";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { fakeCluster } from "./helpers/cluster.ts";
import { edits, examplePath } from "./helpers/example.ts";
import { runOnTerminal, runToEnd } from "./helpers/script-process.ts";

const run = promisify(execFile);

t.test("diff after a deploy counts changes and deletions; pruning asks, and without a terminal only --yes confirms", async (t) => {
  const { server, kubeconfig } = await fakeCluster();
  t.teardown(() => server.close());
  const dir = t.testdir();
  const config = join(dir, "homelab.yaml");
  writeFileSync(config, edits(["addresses: [10.0.0.3/32]\n        autoAssign: true", "addresses: [10.0.0.3/32]\n        autoAssign: true\n      - name: spare\n        addresses: [10.0.0.9/32]"]));
  t.equal((await runToEnd("deploy", ["--kubeconfig", kubeconfig, "--config", config])).code, 0);
  writeFileSync(config, edits(["logLevel: info", "logLevel: debug"]));
  const diff = await runToEnd("diff", ["--kubeconfig", kubeconfig, "--config", config]);
  t.equal(diff.code, 0, diff.stderr);
  t.match(diff.stdout, /metallb\s+2 would change, 24 unchanged in/);
  t.match(diff.stdout, /metallb-pool\s+1 would delete, 2 unchanged in/);
  t.match(diff.stdout, "would delete IPAddressPool/metallb-system/spare");
  for (const id of ["Deployment/metallb-system/metallb-controller", "DaemonSet/metallb-system/metallb-speaker"]) {
    t.equal(diff.stdout.split(id).length - 1, 1, `${id} printed once`);
    t.match(diff.stdout, new RegExp(`  would change ${id}\n    - .*--log-level=info.*\n    \\+ .*--log-level=debug`), "its changes right under it");
  }

  server.clearLog();
  const refused = await runToEnd("deploy", ["--kubeconfig", kubeconfig, "--config", config], "yes\n");
  t.equal(refused.code, 1);
  t.match(refused.stdout, "This deploy deletes 1 object the flights no longer render:\n  IPAddressPool/metallb-system/spare");
  t.match(refused.stderr, "Not confirmed: no terminal to ask on (stdin is not a TTY); re-run with --yes to confirm; nothing was deployed or deleted.");
  t.same(server.requests.filter((r) => r.mutating && !r.path.endsWith("/leases/hangar-deploy")), [], "nothing written but the deploy lock, held while asking");
  t.notOk(server.get("coordination.k8s.io/v1", "Lease", "kube-system", "hangar-deploy")!.spec.holderIdentity, "and given back");

  const confirmed = await runToEnd("deploy", ["--kubeconfig", kubeconfig, "--config", config, "--yes"]);
  t.equal(confirmed.code, 0, confirmed.stderr);
  t.match(confirmed.stdout, "pruned IPAddressPool/metallb-system/spare");
  t.notOk(server.get("metallb.io/v1beta1", "IPAddressPool", "metallb-system", "spare"));
});

t.test("Ctrl-C at the prune question on a terminal: exit 130 at once, nothing written, and the deploy lock given back", async (t) => {
  const { server, kubeconfig } = await fakeCluster();
  t.teardown(() => server.close());
  const config = join(t.testdir(), "homelab.yaml");
  writeFileSync(config, edits(["addresses: [10.0.0.3/32]\n        autoAssign: true", "addresses: [10.0.0.3/32]\n        autoAssign: true\n      - name: spare\n        addresses: [10.0.0.9/32]"]));
  t.equal((await runToEnd("deploy", ["--kubeconfig", kubeconfig, "--config", config])).code, 0);
  writeFileSync(config, edits());
  server.clearLog();
  const lease = () => server.get("coordination.k8s.io/v1", "Lease", "kube-system", "hangar-deploy")!.spec;
  const run = runOnTerminal("deploy", ["--kubeconfig", kubeconfig, "--config", config]);
  await run.untilOutput(/IPAddressPool\/metallb-system\/spare\s+Type yes to confirm: /);
  t.match(lease().holderIdentity, /^\S+@\S+ pid \d+$/, "the question is asked holding the lock");
  run.type("\x03");
  t.equal(await run.exited, 130, run.stdout());
  t.match(run.stdout(), /\ninterrupted\r?\n/);
  t.notOk(lease().holderIdentity, "given back: the next deploy need not wait for the lease to run out");
  t.same(server.requests.filter((r) => r.mutating && !r.path.endsWith("/leases/hangar-deploy")), [], "nothing written but the lock");
  t.ok(server.get("metallb.io/v1beta1", "IPAddressPool", "metallb-system", "spare"), "nothing pruned");
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
