// The deploy lock's own rules, against the fake API server (held to the real one on Leases by the
// conformance test): racing deploys, a lock taken away, and what a holder is called.
import t from "tap";
import { DeployLock, LockHeld, describeHolder, expiresInMs, holderOf, microTime } from "../lib/kube/lock.ts";
import { fakeCluster } from "./helpers/cluster.ts";

const leasePath = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/hangar-deploy";

t.test("two deploys racing for a free lock: exactly one gets it, the other is told who", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  const results = await Promise.allSettled(["a@host pid 1", "b@host pid 2"].map((identity) => DeployLock.acquire(client, { identity, wait: false, force: false })));
  const won = results.filter((result): result is PromiseFulfilledResult<DeployLock> => result.status === "fulfilled");
  const lost = results.filter((result): result is PromiseRejectedResult => result.status === "rejected");
  t.equal(won.length, 1);
  t.equal(lost.length, 1);
  t.ok(lost[0]!.reason instanceof LockHeld);
  t.equal((lost[0]!.reason as LockHeld).holder.identity, (await client.json("GET", leasePath)).spec.holderIdentity);
  await won[0]!.value.release();
  t.notOk((await client.json("GET", leasePath)).spec.holderIdentity, "released");
});

t.test("a lock another deploy takes is lost at the next renewal, saying to whom", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  const lock = await DeployLock.acquire(client, { identity: "a@host pid 1", wait: false, force: false, renewEveryMs: 50 });
  const lost = new Promise<unknown>((resolve) => lock.lost.addEventListener("abort", () => resolve(lock.lost.reason), { once: true }));
  const lease = await client.json("GET", leasePath);
  const now = microTime(new Date());
  await client.json("PATCH", leasePath, {
    body: JSON.stringify({ metadata: { resourceVersion: lease.metadata.resourceVersion }, spec: { holderIdentity: "thief@elsewhere pid 9", acquireTime: now, renewTime: now } }),
    contentType: "application/merge-patch+json",
  });
  t.match(String((await lost as Error).message), /^another deploy took the deploy lock: thief@elsewhere pid 9 since .*; this deploy stops so that two never write at once$/);
  await lock.release();
  t.equal((await client.json("GET", leasePath)).spec.holderIdentity, "thief@elsewhere pid 9", "a lost lock is not given back: it is not ours");
});

t.test("holders are named with their start and last renewal; a lease runs out after its duration", async (t) => {
  const holder = holderOf({ spec: { holderIdentity: "root@lab-1 pid 4242", acquireTime: "2026-05-01T10:42:03.000000Z", renewTime: "2026-05-01T10:44:08.000000Z", leaseDurationSeconds: 60 } })!;
  const now = new Date("2026-05-01T10:44:13Z");
  t.equal(describeHolder(holder, now), "root@lab-1 pid 4242 since 2026-05-01 10:42:03 UTC (2m10s ago), renewed 5s ago");
  t.equal(expiresInMs(holder, now), 55_000);
  t.equal(holderOf({ spec: { leaseDurationSeconds: 60 } }), undefined, "no holder: free");
  t.equal(microTime(new Date("2026-05-01T10:42:03.5Z")), "2026-05-01T10:42:03.500000Z");
});
