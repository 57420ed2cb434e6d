// Deploy order and flight inputs derived from the declaration.
import t from "tap";
import { order, waves } from "../lib/flight/graph.ts";
import { announcesFromControlPlanes } from "../lib/homelab/announce.ts";
import { metallbInputFrom } from "../flights/metallb/from-homelab.ts";
import { metallbPoolInputFrom } from "../flights/metallb-pool/from-homelab.ts";
import { ingressNginxInputFrom } from "../flights/ingress-nginx/from-homelab.ts";
import { parseHomelab } from "../lib/homelab/load.ts";
import { homelabJsonSchema } from "../lib/homelab/json-schema.ts";
import { exampleText, edits } from "./helpers/example.ts";
import { readFileSync } from "node:fs";

const flight = (name: string, ...needs: string[]) => ({ name, needs });

t.test("order follows needs, not list order", async (t) => {
  const sorted = order([flight("ingress-nginx", "metallb-pool"), flight("metallb-pool", "metallb"), flight("metallb")]);
  t.same(sorted.map((f) => f.name), ["metallb", "metallb-pool", "ingress-nginx"]);
});

t.test("independent flights share a wave", async (t) => {
  const grouped = waves([flight("a"), flight("b"), flight("c", "a", "b"), flight("d", "a")]);
  t.same(grouped.map((wave) => wave.map((f) => f.name)), [["a", "b"], ["c", "d"]]);
});

t.test("a missing need and a cycle are errors naming the flights", async (t) => {
  t.throws(() => order([flight("pool", "metallb")]), /flight pool needs metallb, which is not part of this deploy/);
  t.throws(() => order([flight("a", "b"), flight("b", "a")]), /flights a, b need each other in a cycle/);
});

t.test("the example's flight inputs", async (t) => {
  const { homelab } = parseHomelab(exampleText, "homelab.yaml");
  const inputs = { metallb: metallbInputFrom(homelab), "metallb-pool": metallbPoolInputFrom(homelab), "ingress-nginx": ingressNginxInputFrom(homelab) };
  t.same(inputs.metallb, { logLevel: "info", announceFromControlPlanes: true });
  t.same(inputs["metallb-pool"].pools, [{ name: "lan", addresses: ["10.0.0.3/32"], autoAssign: true, avoidBuggyIPs: false }]);
  t.same(inputs["metallb-pool"].l2Advertisements, [
    { name: "lan", ipAddressPools: ["lan"], nodeSelectors: [{ matchLabels: { "kubernetes.io/hostname": "home-01-cp-0" } }], interfaces: [] },
  ]);
  t.same(inputs["ingress-nginx"], { loadBalancerIP: "10.0.0.3", addressPool: "lan", ingressClass: { name: "nginx", default: true }, replicas: 1 });
});

t.test("announcing only from workers does not need control planes", async (t) => {
  const text = edits(
    ["addons:\n", "  - name: home-01-w-0\n    role: worker\n    address: 10.0.0.6\n    interface: enp1s0\n    installDisk: /dev/sda\n\naddons:\n"],
    ["nodes: [home-01-cp-0]", "nodes: [home-01-w-0]"],
  );
  t.equal(announcesFromControlPlanes(parseHomelab(text, "homelab.yaml").homelab), false);
});

t.test("homelab.schema.json is the published form of the schema", async (t) => {
  const committed = readFileSync(new URL("../homelab.schema.json", import.meta.url), "utf8");
  t.equal(committed, homelabJsonSchema(), "run `node scripts/schema.mjs` after changing lib/homelab/schema.ts");
});
