// One deploy at a time, on a real kube-apiserver: the deploy lock (Lease kube-system/hangar-deploy)
// names its holder and is renewed while the deploy runs; a second deploy stops, or queues with
// --wait-for-lock. (Stale and broken locks: deploy-lock-takeover-real.test.ts.)
import t, { type Test } from "tap";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Json } from "../lib/kube/client.ts";
import { releaseHash } from "../lib/kube/revision.ts";
import { examplePath, edits } from "./helpers/example.ts";
import { playedCluster, type PlayedCluster } from "./helpers/played-cluster.ts";
import { runScript } from "./helpers/script-process.ts";
import { lockWritesOnly } from "./helpers/takeover-real.ts";

const leasePath = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/hangar-deploy";
const releases = [["metallb", "metallb-system"], ["metallb-pool", "metallb-system"], ["ingress-nginx", "ingress-nginx"]] as const;

let cluster: PlayedCluster;
t.before(async () => {
  cluster = await playedCluster({ controllers: false });
});
t.teardown(() => cluster.close());

const deploy = (config: string, ...args: string[]) => runScript("deploy", ["--kubeconfig", cluster.server.kubeconfig, "--config", config, "--timeout", "5m", ...args]);
const lease = (): Promise<Json> => cluster.client.json("GET", leasePath);
const revisionCounts = async () =>
  Promise.all(
    releases.map(async ([release, namespace]) => {
      const list = await cluster.client.json("GET", `/api/v1/namespaces/${namespace}/secrets`, { query: { labelSelector: `internal.yoke/kind=revision,internal.yoke/release=${releaseHash(release)}` } });
      return `${release} ${list.items.length}`;
    }),
  );
/** The audit event of the deploy watching a Deployment: it holds the lock and waits for a rollout. */
const watchingDeployments = (from: number) => cluster.server.untilAudited((e) => e.verb === "watch" && e.objectRef?.resource === "deployments", from);
/** A deploy of a changed declaration (MetalLB's log level), held at its rollouts: the controllers are stopped. */
async function deployWaitingForRollouts(t: Test, logLevel: string) {
  await cluster.stopControllers();
  const config = join(t.testdir(), "homelab.yaml");
  writeFileSync(config, edits(["logLevel: info", `logLevel: ${logLevel}`]));
  const mark = cluster.server.auditMark();
  const first = deploy(config);
  await watchingDeployments(mark);
  return { config, first };
}

t.test("a second deploy while one runs stops, naming who holds the lock and since when; the lock is renewed; one revision per release", async (t) => {
  const mark = cluster.server.auditMark();
  const first = deploy(examplePath);
  await watchingDeployments(mark);
  const held = await lease();
  t.match(held.spec.holderIdentity, new RegExp(`^\\S+@\\S+ pid ${first.child.pid}$`), "user@host and pid");
  t.match(held.spec.acquireTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

  const second = deploy(examplePath);
  t.equal(await second.exited, 1);
  t.match(second.stderr(), new RegExp(`another deploy holds the deploy lock \\(Lease kube-system/hangar-deploy\\): \\S+@\\S+ pid ${first.child.pid} since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC \\(\\d+s ago\\).*--wait-for-lock.*--break-lock`));

  // The holder renews its lease while it waits (every 15 s).
  const renewal = await cluster.server.untilAudited((e) => e.verb === "patch" && e.objectRef?.resource === "leases" && e.responseStatus?.code === 200, cluster.server.auditMark());
  t.ok(renewal, "renewed");
  t.equal((await lease()).spec.holderIdentity, held.spec.holderIdentity);

  await cluster.startControllers();
  t.equal(await first.exited, 0, first.stderr());
  t.same(await revisionCounts(), ["metallb 1", "metallb-pool 1", "ingress-nginx 1"]);
  t.notOk((await lease()).spec.holderIdentity, "given back at the end");
});

t.test("--wait-for-lock waits, saying for whom, then deploys once the holder is done", async (t) => {
  const { config, first } = await deployWaitingForRollouts(t, "debug");
  const second = deploy(config, "--wait-for-lock");
  await second.untilOutput(new RegExp(`waiting for the deploy lock, held by \\S+@\\S+ pid ${first.child.pid} since `));
  await cluster.startControllers();
  t.equal(await first.exited, 0, first.stderr());
  t.equal(await second.exited, 0, second.stderr());
  t.match(second.stdout(), /metallb\s+26 unchanged/, "the second found the first's work done");
  t.same(await revisionCounts(), ["metallb 2", "metallb-pool 1", "ingress-nginx 1"], "one new revision, the first deploy's");
});

t.test("adopt while a deploy holds the lock stops, naming the holder, before it plans; adopt --plan takes no lock", async (t) => {
  const { config, first } = await deployWaitingForRollouts(t, "warn");
  const held = (await lease()).spec.holderIdentity;

  const beforeAdopt = cluster.server.audit().length;
  const adopt = runScript("adopt", ["--kubeconfig", cluster.server.kubeconfig, "--config", config, "--yes"]);
  t.equal(await adopt.exited, 1, adopt.stdout());
  t.match(adopt.stderr(), new RegExp(`another deploy holds the deploy lock \\(Lease kube-system/hangar-deploy\\): \\S+@\\S+ pid ${first.child.pid} since .*--wait-for-lock.*--break-lock`));
  t.equal(adopt.stdout(), "", "no plan printed: it stopped before planning");

  const plan = runScript("adopt", ["--kubeconfig", cluster.server.kubeconfig, "--config", config, "--plan"]);
  t.equal(await plan.exited, 0, plan.stderr());
  t.match(plan.stdout(), /^nothing to take over: hangar already owns all \d+ objects$/m, "it planned while the lock was held");
  t.equal((await lease()).spec.holderIdentity, held, "the deploy still holds the lock");
  // The deploy waits for its rollouts meanwhile: its only writes are the renewals of its lease.
  const writes = cluster.server.audit().slice(beforeAdopt).filter((e) => ["create", "update", "patch", "delete"].includes(e.verb) && !e.requestURI.includes("dryRun"));
  t.same(lockWritesOnly(writes).others, [], "neither adopt wrote anything");

  await cluster.startControllers();
  t.equal(await first.exited, 0, first.stderr());
});
