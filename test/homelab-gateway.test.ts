// addons.gateway beside addons.ingressNginx: either or both, each on its own pool address
// outside the DHCP range; the worked migration example (examples/gateway.yaml) is valid.
import t from "tap";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseHomelab } from "../lib/homelab/load.ts";
import { HomelabError } from "../lib/homelab/problems.ts";

const examplePath = fileURLToPath(new URL("../examples/gateway.yaml", import.meta.url));
const example = readFileSync(examplePath, "utf8");
const edit = (from: string, to: string) => {
  if (!example.includes(from)) throw new Error(`example does not contain ${JSON.stringify(from)}`);
  return example.replace(from, to);
};

function problems(text: string): string[] {
  try {
    return parseHomelab(text, "gateway.yaml").warnings;
  } catch (error) {
    if (error instanceof HomelabError) return error.message.split("\n");
    throw error;
  }
}

t.test("the migration example declares both entry points and is valid without warnings", async (t) => {
  const { homelab, warnings } = parseHomelab(example, "gateway.yaml");
  t.same(warnings, []);
  t.equal(homelab.addons.ingressNginx?.address, "10.0.0.3");
  t.equal(homelab.addons.gateway?.address, "10.0.0.4");
});

t.test("the gateway alone is a complete declaration", async (t) => {
  t.same(problems(example.replace(/ {2}# What served[^\n]*\n {2}ingressNginx:\n(?: {4}.*\n)+/, "")), []);
});

const cases: [string, string, string[]][] = [
  ["both entry points on one address", edit("address: 10.0.0.4\n    pool: lan", "address: 10.0.0.3\n    pool: lan"),
    ["gateway.yaml:54:5 addons.gateway.address: 10.0.0.3 is also the ingressNginx address; each entry point needs its own address (MetalLB gives one address to one Service)"]],
  ["gateway address outside its pool", edit("address: 10.0.0.4\n    pool: lan", "address: 10.0.0.5\n    pool: lan"),
    ["gateway.yaml:54:5 addons.gateway.address: 10.0.0.5 is not in pool lan (10.0.0.3-10.0.0.4); MetalLB would never assign it"]],
  ["gateway address in the DHCP range and in no pool", edit("address: 10.0.0.4\n    pool: lan", "address: 10.0.0.150"),
    [
      "gateway.yaml:54:5 addons.gateway.address: 10.0.0.150 is inside the DHCP range 10.0.0.100-10.0.0.249; the router may lease it to another device. Use a pool address outside the range",
      "gateway.yaml:54:5 addons.gateway.address: 10.0.0.150 is in no MetalLB pool; add it to a pool's addresses or MetalLB will never assign it",
    ]],
  ["gateway pool not declared", edit("address: 10.0.0.4\n    pool: lan", "address: 10.0.0.4\n    pool: edge"),
    ['gateway.yaml:55:5 addons.gateway.pool: names pool "edge", which is not declared (pools: lan)']],
  ["unknown gateway field", edit("address: 10.0.0.4\n", "address: 10.0.0.4\n    port: 8080\n"),
    ["gateway.yaml:55:5 addons.gateway.port: is not a known field; check its spelling (known fields: address, pool, certificateSecret, logLevel)"]],
];

for (const [name, text, expected] of cases) {
  t.test(name, async (t) => t.same(problems(text), expected));
}

t.test("no entry point at all is a warning, not an error", async (t) => {
  const bare = example.replace(/ {2}# What served[\s\S]*$/, "");
  t.match(problems(bare), [/addons: declares no entry point \(gateway or ingressNginx\); nothing will answer on the LAN/]);
});
