// scripts/adopt.mjs refusing misuse before it reaches the cluster. The takeover itself, as a user
// runs it after helm and helmfile, is in takeover-helmfile, takeover-helm and takeover-client-side.
import t from "tap";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { fakeCluster } from "./helpers/cluster.ts";
import { examplePath } from "./helpers/example.ts";

const run = promisify(execFile);
const script = fileURLToPath(new URL("../scripts/adopt.mjs", import.meta.url));
const env = { ...process.env, FORCE_COLOR: "0" };

t.test("adopt.mjs: a malformed --terraform is misuse, exit 2", async (t) => {
  const { server, kubeconfig } = await fakeCluster();
  t.teardown(() => server.close());
  const result = await run(process.execPath, [script, "--kubeconfig", kubeconfig, "--config", examplePath, "--terraform", "metallb"], { env }).catch((error) => error);
  t.equal(result.code, 2);
  t.match(result.stderr, /^error: --terraform "metallb": expected NAME=VALUE, e\.g\. metallb=helm_release\.metallb\n/);
  t.same(server.requests, [], "misuse sends nothing to the cluster");
});
