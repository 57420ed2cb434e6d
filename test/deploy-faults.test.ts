// Transient API faults at several points converge, and an interrupted deploy converges on re-run.
import t from "tap";
import { deploy, examplePlan, fakeCluster } from "./helpers/cluster.ts";
import type { FaultRule } from "./doubles/fake-apiserver/index.ts";

const points: Omit<FaultRule, "kind">[] = [
  { method: "GET", nth: 1 },
  { method: "PATCH", nth: 5 },
  { method: "PATCH", path: "/ipaddresspools/", nth: 1 },
  { method: "GET", path: "/deployments", nth: 2 },
];

for (const kind of [429, 500, 503, "reset"] as const) {
  t.test(`${kind} at several points converges`, async (t) => {
    for (const point of points) {
      const { server, client } = await fakeCluster({ faults: [{ ...point, kind, times: 2, retryAfterSeconds: 0 }] });
      try {
        const { summaries } = await deploy(client, examplePlan());
        const injected = server.requests.filter((r) => r.status === kind || (kind === "reset" && r.status === 0));
        t.equal(injected.length, 2, `${JSON.stringify(point)}: the fault fired twice`);
        t.same(summaries.map((s) => s.flight), ["metallb", "metallb-pool", "ingress-nginx"], `${JSON.stringify(point)}: deployed`);
        t.ok(server.get("v1", "Service", "ingress-nginx", "ingress-nginx-controller")?.status?.loadBalancer, "the ingress holds its address");
      } finally {
        await server.close();
      }
    }
  });
}

t.test("429 honours Retry-After", async (t) => {
  const { server, client } = await fakeCluster({ faults: [{ method: "GET", nth: 1, kind: 429, retryAfterSeconds: 1 }] });
  t.teardown(() => server.close());
  await deploy(client, examplePlan());
  const refused = server.requests[0]!;
  const retried = server.requests.find((r, index) => index > 0 && r.path === refused.path && r.method === refused.method);
  t.equal(refused.status, 429);
  t.ok(retried!.at - refused!.at >= 950, `waited ${Math.round(retried!.at - refused!.at)} ms before retrying`);
});

t.test("an interrupted deploy records nothing half-way, and a re-run converges", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  const abort = new AbortController();
  let applied = 0;
  const interrupted = deploy(client, examplePlan(), { signal: abort.signal });
  const watcher = setInterval(() => {
    applied = server.requests.filter((r) => r.mutating).length;
    if (applied >= 20) abort.abort(new Error("interrupted"));
  }, 1);
  await t.rejects(interrupted, /interrupted/);
  clearInterval(watcher);
  t.notOk(server.get("metallb.io/v1beta1", "IPAddressPool", "metallb-system", "lan"), "stopped before the end: no pool");
  t.notOk(server.list("v1", "Secret").some((secret) => secret.metadata.name.startsWith("yoke.")), "and no release recorded");
  const { summaries } = await deploy(client, examplePlan());
  t.same(summaries.map((s) => s.newRevision), [true, true, true], "each release recorded once complete");
  t.ok(server.get("v1", "Service", "ingress-nginx", "ingress-nginx-controller")?.status?.loadBalancer);
  server.clearLog();
  await deploy(client, examplePlan());
  t.equal(server.requests.filter((r) => r.mutating).length, 0, "converged: the next run writes nothing");
});
