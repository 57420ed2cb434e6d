// Both example declarations, end to end on a real kube-apiserver (controllers and MetalLB's
// webhook played), and then again: a re-run writes nothing and a diff would change nothing. The
// server's own normalisation (quantities, dropped empty lists, defaults) must not read as a change.
import t from "tap";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderPlan } from "../lib/flight/plan.ts";
import { parseHomelab } from "../lib/homelab/load.ts";
import { flights as registry } from "../flights/index.ts";
import { deploy } from "./helpers/cluster.ts";
import { playedCluster, type PlayedCluster } from "./helpers/played-cluster.ts";

const mutating = new Set(["create", "update", "patch", "delete", "deletecollection"]);
const plan = (file: string) => renderPlan(parseHomelab(readFileSync(fileURLToPath(new URL(`../${file}`, import.meta.url)), "utf8"), file).homelab, registry);

let cluster: PlayedCluster;
t.before(async () => {
  cluster = await playedCluster();
});
t.teardown(() => cluster.close());

for (const file of ["homelab.yaml", "examples/gateway.yaml"]) {
  t.test(`${file}: deployed, then a re-run writes nothing and a diff would change nothing`, async (t) => {
    const first = await deploy(cluster.client, plan(file), { timeoutMs: 300_000 });
    t.ok(first.summaries.every((s) => s.counts.created + s.counts.configured + s.counts.unchanged > 0), "every flight applied");
    t.ok(cluster.webhooks.calls.some((call) => call.service === "metallb-webhook-service.metallb-system.svc" && call.path.startsWith("/validate-metallb-io-v1beta1-ipaddresspool?") && call.kind === "IPAddressPool"), "MetalLB's webhook admitted the pool");

    const before = cluster.server.audit().length;
    const again = await deploy(cluster.client, plan(file), { timeoutMs: 300_000 });
    const requests = cluster.server.audit().slice(before);
    t.same(requests.filter((e) => mutating.has(e.verb)).map((e) => `${e.verb} ${e.requestURI}`), [], "the re-run writes nothing");
    t.same(requests.filter((e) => e.requestURI.includes("dryRun")).map((e) => e.requestURI), [], "and sends no dry run");
    t.same(again.summaries.filter((s) => s.counts.configured > 0 || s.newRevision).map((s) => s.flight), []);

    const diff = await deploy(cluster.client, plan(file), { diff: true });
    const changes = diff.events.filter((e) => e.type === "resource" && e.outcome !== "unchanged");
    t.same(changes, [], "a diff would change nothing");
  });
}
