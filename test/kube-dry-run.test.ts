// Dry runs on a cluster that lacks the plan's namespaces and CRDs: objects the server cannot
// check yet are checked against the plan's own CRD schemas, and reported as would-create.
import t from "tap";
import { plannedSchemas, validateAgainstSchema } from "../lib/kube/crd-validate.ts";
import { deploy, examplePlan, fakeCluster } from "./helpers/cluster.ts";
import { DeployError } from "../lib/kube/deploy.ts";

const stages = () => examplePlan().flatMap((flight) => flight.stages);

t.test("custom objects against the CRD schemas the plan installs", async (t) => {
  const schemas = plannedSchemas(stages());
  const pool = schemas.get("metallb.io/v1beta1/IPAddressPool");
  t.ok(pool, "the metallb flight's IPAddressPool schema");
  t.equal(pool!.crd, "ipaddresspools.metallb.io");
  const object = (spec: unknown) => ({ apiVersion: "metallb.io/v1beta1", kind: "IPAddressPool", metadata: { name: "lan", namespace: "metallb-system" }, spec });
  t.same(validateAgainstSchema(object({ addresses: ["10.0.0.3/32"], autoAssign: true }), pool!.schema), []);
  t.same(validateAgainstSchema(object({ addresses: "10.0.0.3/32" }), pool!.schema), ['spec.addresses: must be a list (got "10.0.0.3/32")']);
  const typo = validateAgainstSchema(object({ addresses: ["10.0.0.3/32"], autoAssing: true }), pool!.schema);
  t.equal(typo.length, 1);
  t.match(typo[0], /^spec\.autoAssing: is not a field of this kind's schema \(known: .*autoAssign/);
  t.match(validateAgainstSchema(object({ autoAssign: "yes" }), pool!.schema), ["spec.addresses: is required", 'spec.autoAssign: must be true or false (got "yes")']);
});

t.test("a fresh cluster: the dry run reports every object as would-create and refuses one its CRD would refuse", async (t) => {
  const { server, client } = await fakeCluster();
  t.teardown(() => server.close());
  const { summaries, events } = await deploy(client, examplePlan(), { dryRun: true });
  t.same(summaries.map((s) => [s.flight, s.counts["would create"], s.counts.unchanged]), [["metallb", 26, 0], ["metallb-pool", 2, 0], ["ingress-nginx", 19, 0]]);
  t.ok(events.some((e) => e.type === "resource" && e.resource === "L2Advertisement/metallb-system/lan" && e.outcome === "would create"));
  t.same(server.requests.filter((r) => r.mutating), [], "nothing written");

  const broken = examplePlan().map((flight) =>
    flight.name !== "metallb-pool" ? flight : { ...flight, stages: flight.stages.map((stage) => stage.map((r) => (r.kind === "IPAddressPool" ? { ...r, spec: { addresses: "10.0.0.3/32" } } : r))) },
  );
  await t.rejects(deploy(client, broken, { dryRun: true }), new DeployError('IPAddressPool/metallb-system/lan: does not fit the schema of CRD ipaddresspools.metallb.io: spec.addresses: must be a list (got "10.0.0.3/32")'));
});
