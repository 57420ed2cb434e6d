// scripts/adopt.mjs as a user runs it against a Helm-installed fake cluster: without a terminal
// it needs --yes and changes nothing; with --yes it takes over and prints Terraform's lines.
import t from "tap";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { fakeCluster } from "./helpers/cluster.ts";
import { examplePath } from "./helpers/example.ts";
import { helmInstall } from "./helpers/helm-install.ts";

const run = promisify(execFile);
const script = fileURLToPath(new URL("../scripts/adopt.mjs", import.meta.url));
const env = { ...process.env, FORCE_COLOR: "0" };

t.test("adopt.mjs: the plan, --yes required off a terminal, then the takeover and Terraform's lines", async (t) => {
  const { server, client, kubeconfig } = await fakeCluster();
  t.teardown(() => server.close());
  await helmInstall(server, client);
  const args = [script, "--kubeconfig", kubeconfig, "--config", examplePath];
  server.clearLog();
  const refused = await run(process.execPath, args, { env }).catch((error) => error);
  t.equal(refused.code, 2);
  t.match(refused.stdout, /pods restarted: none/);
  t.match(refused.stderr.trim(), /^Not confirmed: no terminal to ask on \(stdin is not a TTY\); re-run with --yes to confirm \(or --plan to only print the plan\); nothing changed\.$/);
  t.same(server.requests.filter((request) => request.mutating), [], "nothing written before confirmation");

  const done = await run(process.execPath, [...args, "--yes", "--terraform", "metallb=module.lab.helm_release.metallb"], { env });
  t.match(done.stdout, /retired +Helm release metallb-system\/metallb \(2 records\)/);
  t.match(done.stdout, /taken over: \d+ objects released by Helm\/Terraform, 0 pruned, 3 Helm releases retired/);
  t.match(done.stdout, /terraform state rm 'module\.lab\.helm_release\.metallb' +# Helm release metallb-system\/metallb\n/);
  t.match(done.stdout, /terraform state rm 'kubernetes_manifest\.ipaddresspool_lan'/);

  const again = await run(process.execPath, args, { env });
  t.match(again.stdout, /^nothing to take over: hangar already owns all \d+ objects/);
});

t.test("adopt.mjs: a malformed --terraform is misuse, exit 2", async (t) => {
  const { server, kubeconfig } = await fakeCluster();
  t.teardown(() => server.close());
  const result = await run(process.execPath, [script, "--kubeconfig", kubeconfig, "--config", examplePath, "--terraform", "metallb"], { env }).catch((error) => error);
  t.equal(result.code, 2);
  t.match(result.stderr, /^error: --terraform "metallb": expected NAME=VALUE, e\.g\. metallb=helm_release\.metallb\n/);
  t.same(server.requests, [], "misuse sends nothing to the cluster");
});
