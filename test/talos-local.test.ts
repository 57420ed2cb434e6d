// --local: the declared add-ons moved into talosctl's Docker network, and the Docker cluster
// created once through the fake talosctl.
import t from "tap";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { semanticProblems } from "../lib/homelab/checks.ts";
import { metallbPoolInputFrom } from "../flights/metallb-pool/from-homelab.ts";
import { localHomelab, localNodeAddresses } from "../lib/talos/local.ts";
import { exampleText } from "./helpers/example.ts";
import { exampleHomelab, haHomelab, haText } from "./doubles/fake-talosctl/declarations.ts";
import { fakeLab, verb } from "./doubles/fake-talosctl/harness.ts";

t.test("addresses keep their last octet inside 10.5.0.0/24", async (t) => {
  const local = localHomelab(exampleHomelab());
  t.same(local.addons.metallb.pools[0]!.addresses, ["10.5.0.3/32"]);
  t.equal(local.addons.ingressNginx!.address, "10.5.0.3");
  t.same(local.network.subnet, "10.5.0.0/24");
  t.same(semanticProblems(local).filter((problem) => !problem.warning), [], "the moved declaration passes the same checks");
  t.same(metallbPoolInputFrom(local).l2Advertisements[0]!.nodeSelectors, [], "containers do not carry the declared node names");
  t.same(localNodeAddresses(exampleHomelab()), ["10.5.0.2"]);

  const ranged = localHomelab(haHomelab());
  t.same(ranged.addons.metallb.pools[0]!.addresses, ["10.5.0.30-10.5.0.39"]);
  t.same(localNodeAddresses(haHomelab()), ["10.5.0.2", "10.5.0.3", "10.5.0.4"], "one control plane (Docker has no --controlplanes) and the workers");
  t.same(ranged.nodes.map((node) => [node.name, node.address]), [["cp-0", "10.5.0.2"], ["worker-0", "10.5.0.3"], ["worker-1", "10.5.0.4"]]);
  t.notOk(ranged.cluster.vip, "no VIP for a single container control plane");
  t.same(semanticProblems(ranged).filter((problem) => !problem.warning), []);
  const clash = haHomelab(haText.replace("10.0.0.30-10.0.0.39", "10.0.0.4-10.0.0.9").replace("address: 10.0.0.30", "address: 10.0.0.5"));
  t.throws(() => localHomelab(clash), /pool lan \(10\.0\.0\.4-10\.0\.0\.9\) would take 10\.5\.0\.4, which a local Talos container uses/);
});

t.test("up.mjs --local creates the Docker cluster once and fetches its kubeconfig", async (t) => {
  const lab = await fakeLab(t, exampleText, []);
  const first = await lab.run("up", ["--local", "--talos-only"]);
  t.equal(first.status, 0, first.stderr);
  t.match(first.stdout, "Local cluster home-01 created in Docker");
  const calls = JSON.parse(readFileSync(join(lab.stateDir, "calls.json"), "utf8")) as { argv: string[]; TALOSCONFIG?: string }[];
  const create = calls.find((call) => verb(call.argv) === "cluster create docker")!;
  const local = join(lab.dir, ".hangar", "local");
  t.same(create.argv, [
    "cluster", "create", "docker", "--name", "home-01", "--workers", "0", "--kubernetes-version", "1.37.1",
    "--image", "ghcr.io/siderolabs/talos:v1.14.7", "--config-patch-controlplanes", `@${join(local, "patches", "controlplane.yaml")}`,
  ]);
  t.equal(create.TALOSCONFIG, join(local, "talosconfig"), "the client config lands in the state folder");
  t.match(readFileSync(join(local, "patches", "controlplane.yaml"), "utf8"), "kind: KubeNodeConfig", "cluster create generates the v1.14 contract: the presets in KubeNodeConfig");
  t.ok(lab.calls().some((argv) => verb(argv) === "kubeconfig" && argv.includes(join(local, "kubeconfig"))));
  t.match(first.stdout, `kubeconfig: ${join(local, "kubeconfig")}`);

  const before = lab.calls().length;
  const second = await lab.run("up", ["--local", "--talos-only"]);
  t.equal(second.status, 0, second.stderr);
  t.match(second.stdout, "Local cluster home-01 is already running");
  t.notOk(lab.calls().slice(before).some((argv) => verb(argv) === "cluster create docker"), "not created twice");
});
