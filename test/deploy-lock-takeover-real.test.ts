// The deploy lock of a deploy that is gone, on a real kube-apiserver: a stale lease is taken
// over; a live one is broken only with --break-lock, asked first. Dry runs and diffs take none.
import t from "tap";
import type { Json } from "../lib/kube/client.ts";
import { microTime } from "../lib/kube/lock.ts";
import { examplePath } from "./helpers/example.ts";
import { playedCluster, type PlayedCluster } from "./helpers/played-cluster.ts";
import { runScript } from "./helpers/script-process.ts";

const leasePath = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/hangar-deploy";

let cluster: PlayedCluster;
t.before(async () => {
  cluster = await playedCluster();
});
t.teardown(() => cluster.close());

const deploy = (config: string, ...args: string[]) => runScript("deploy", ["--kubeconfig", cluster.server.kubeconfig, "--config", config, "--timeout", "5m", ...args]);
const lease = (): Promise<Json> => cluster.client.json("GET", leasePath);
/** Another deploy's lease, as it would have written it. */
const holdLease = (spec: Json) =>
  cluster.client.json("PATCH", leasePath, {
    query: { fieldManager: "another-deploy", force: "true" },
    body: JSON.stringify({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: "hangar-deploy", namespace: "kube-system" }, spec }),
    contentType: "application/apply-patch+yaml",
  });

t.test("a stale lock (its deploy gone, its lease run out) is taken over", async (t) => {
  const stale = new Date(Date.now() - 5 * 60_000);
  await holdLease({ holderIdentity: "ghost@elsewhere pid 1", acquireTime: microTime(stale), renewTime: microTime(stale), leaseDurationSeconds: 60 });
  const transitions = (await lease()).spec.leaseTransitions ?? 0;
  const run = deploy(examplePath);
  t.equal(await run.exited, 0, run.stderr());
  t.match(run.stdout(), /took the deploy lock from ghost@elsewhere pid 1 since .* \(5m(\d+s)? ago\)/);
  t.equal((await lease()).spec.leaseTransitions ?? 0, transitions + 1);
});

t.test("dry runs and diffs take no lock; breaking a live lock asks first, and --yes answers", async (t) => {
  const now = new Date();
  await holdLease({ holderIdentity: "someone@else pid 2", acquireTime: microTime(now), renewTime: microTime(now), leaseDurationSeconds: 3600 });
  const diff = runScript("diff", ["--kubeconfig", cluster.server.kubeconfig, "--config", examplePath]);
  const dryRun = deploy(examplePath, "--dry-run");
  t.equal(await diff.exited, 0, `a diff takes no lock: ${diff.stderr()}`);
  t.equal(await dryRun.exited, 0, `nor does a dry run: ${dryRun.stderr()}`);

  const refused = deploy(examplePath, "--break-lock");
  t.equal(await refused.exited, 1);
  t.match(refused.stdout(), "The deploy lock is held by someone@else pid 2 since");
  t.match(refused.stderr(), "Not confirmed: no terminal to ask on (stdin is not a TTY); re-run with --yes to confirm; the lock stays with someone@else pid 2 and nothing was deployed.");
  t.equal((await lease()).spec.holderIdentity, "someone@else pid 2", "the lock is untouched");

  const broken = deploy(examplePath, "--break-lock", "--yes");
  t.equal(await broken.exited, 0, broken.stderr());
  t.match(broken.stdout(), "took the deploy lock from someone@else pid 2");
  t.notOk((await lease()).spec.holderIdentity);
});
