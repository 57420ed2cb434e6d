// up.mjs --dry-run on the migration example (examples/gateway.yaml): all five flights rendered
// with the built bundles, in dependency order, each output reproducible from its saved input.
import t from "tap";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { builtFlight } from "./helpers/dist.ts";

const upScript = fileURLToPath(new URL("../scripts/up.mjs", import.meta.url));
const example = fileURLToPath(new URL("../examples/gateway.yaml", import.meta.url));

t.test("dry run renders all five flights of a declaration with both entry points", async (t) => {
  const out = t.testdir();
  const run = spawnSync(process.execPath, [upScript, "--dry-run", "--out", out, "--config", example], {
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0" },
    maxBuffer: 64 * 1024 * 1024,
  });
  t.equal(run.status, 0, run.stderr);
  const headings = run.stdout.split("\n").filter((line) => /^\d+\. /.test(line));
  t.same(
    headings.map((line) => line.split(" ")[1]),
    ["metallb", "envoy-gateway", "metallb-pool", "ingress-nginx", "gateway"],
    "flights in dependency order, each as soon as what it needs",
  );
  t.match(run.stdout, /2\. envoy-gateway \(release envoy-gateway in envoy-gateway-system\)\n/);
  t.match(run.stdout, /4\. ingress-nginx \(release ingress-nginx in ingress-nginx, addresses from metallb-pool\)\n/);
  t.match(run.stdout, /5\. gateway \(release gateway in envoy-gateway-system, needs envoy-gateway, addresses from metallb-pool\)\n\s+stage 1: 1 resource\n\s+GatewayClass envoy-gateway\n\s+stage 2: 1 resource\n\s+Gateway envoy-gateway-system\/homelab/);
  for (const name of ["envoy-gateway", "gateway"]) {
    const input = readFileSync(join(out, "flights", `${name}.input.json`), "utf8");
    const saved = readFileSync(join(out, "flights", `${name}.json`), "utf8");
    const again = spawnSync(process.execPath, [builtFlight(name), name], { input, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: { ...process.env, YOKE_NAMESPACE: "envoy-gateway-system" } });
    t.equal(again.stdout, saved, `${name}: the built flight reproduces the saved output`);
  }
  const gateway = JSON.parse(readFileSync(join(out, "flights", "gateway.json"), "utf8"));
  t.same(gateway[1][0].spec.infrastructure.annotations, { "metallb.io/loadBalancerIPs": "10.0.0.4", "metallb.io/address-pool": "lan" });
});
