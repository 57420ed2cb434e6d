// The pool flight: objects valid against MetalLB's own CRD schemas, bad input rejected, and the
// built bundle printing exactly what the in-process render returns.
import t from "tap";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { Ajv } from "ajv";
import { metallbPool } from "../../flights/metallb-pool/flight.ts";
import { metallbPoolInputFrom } from "../../flights/metallb-pool/from-homelab.ts";
import { parseHomelab } from "../../lib/homelab/load.ts";
import { exampleText } from "../helpers/example.ts";
import { rejectsBadInput } from "../helpers/fake-io.ts";
import { builtFlight } from "../helpers/dist.ts";

const input = metallbPoolInputFrom(parseHomelab(exampleText, "homelab.yaml").homelab);
const release = { name: "metallb-pool", namespace: "metallb-system" };

/** openAPIV3Schema of a MetalLB CRD from the upstream release manifest (reference data). */
function crdSchema(plural: string): object {
  const text = readFileSync(fileURLToPath(new URL("../../../shared/upstream/metallb-native-v0.16.1.yaml", import.meta.url)), "utf8");
  const crd = parseAllDocuments(text)
    .map((doc) => doc.toJS())
    .find((obj) => obj?.kind === "CustomResourceDefinition" && obj.metadata.name === `${plural}.metallb.io`);
  return crd.spec.versions.find((version: { storage: boolean }) => version.storage).schema.openAPIV3Schema;
}

t.test("the example renders one pool and one L2 advertisement", async (t) => {
  const [stage, ...rest] = metallbPool.render(metallbPool.parse(input), release);
  t.equal(rest.length, 0, "a single stage");
  t.same(stage!.map((r) => `${r.kind}/${r.metadata.namespace}/${r.metadata.name}`), [
    "IPAddressPool/metallb-system/lan",
    "L2Advertisement/metallb-system/lan",
  ]);
  t.same(stage![0]!.spec, { addresses: ["10.0.0.3/32"], autoAssign: true, avoidBuggyIPs: false });
  t.same(stage![1]!.spec, { ipAddressPools: ["lan"], nodeSelectors: [{ matchLabels: { "kubernetes.io/hostname": "home-01-cp-0" } }] });
});

t.test("rendered objects validate against MetalLB's CRD schemas", async (t) => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validators = { IPAddressPool: ajv.compile(crdSchema("ipaddresspools")), L2Advertisement: ajv.compile(crdSchema("l2advertisements")) };
  const wide = { ...input, l2Advertisements: [...input.l2Advertisements, { name: "all", ipAddressPools: [], nodeSelectors: [], interfaces: ["enp1s0"] }] };
  for (const resource of metallbPool.render(metallbPool.parse(wide), release).flat()) {
    const validate = validators[resource.kind as keyof typeof validators];
    t.ok(validate(resource), `${resource.kind}/${resource.metadata.name}: ${ajv.errorsText(validate.errors)}`);
  }
});

const bad: [unknown, string][] = [
  [{ l2Advertisements: [] }, "metallb-pool: input.pools: is required"],
  [{ pools: [] }, "metallb-pool: input.pools: must have at least 1 item"],
  [{ pools: [{ name: "Lan", addresses: ["10.0.0.3/32"] }] }, 'metallb-pool: input.pools[0].name: must be a DNS-1123 label (got "Lan")'],
  [{ pools: [{ name: "lan", addresses: ["10.0.0.3"] }] }, 'metallb-pool: input.pools[0].addresses[0]: must be a CIDR like 10.0.0.3/32 or a range like 10.0.0.3-10.0.0.5 (got "10.0.0.3")'],
  [{ pools: [{ name: "lan", addresses: ["10.0.0.3/32"], autoAssign: "yes" }] }, "metallb-pool: input.pools[0].autoAssign: must be true or false"],
  [{ pools: [{ name: "lan", addresses: ["10.0.0.3/32"] }], l2Advertisements: [{ name: "lan", nodes: ["x"] }] }, "metallb-pool: input.l2Advertisements[0].nodes: is not a known field"],
];
rejectsBadInput(t, metallbPool, bad);

t.test("the built bundle prints exactly the in-process render", async (t) => {
  const run = spawnSync(process.execPath, [builtFlight("metallb-pool"), "pools"], {
    input: JSON.stringify(input),
    env: { ...process.env, YOKE_NAMESPACE: "lab" },
    encoding: "utf8",
  });
  t.equal(run.status, 0);
  const expected = metallbPool.render(metallbPool.parse(input), { name: "pools", namespace: "lab" });
  t.equal(run.stdout, JSON.stringify(expected, null, 2) + "\n");
});
