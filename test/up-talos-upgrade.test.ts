// up.mjs's upgrade paths against the fake talosctl: a version bump upgrades Talos, the
// extensions and Kubernetes (snapshot and dry run first, the contract kept), findings stop it,
// an expiring talosconfig is renewed, and a rebooting apply is awaited.
import t from "tap";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { nodeSchematic } from "../lib/talos/schematic.ts";
import { parseHomelab } from "../lib/homelab/load.ts";
import { edit, exampleText } from "./helpers/example.ts";
import { exampleSeed, extensionsText } from "./doubles/fake-talosctl/declarations.ts";
import { changes, example113, isoSchematic, noSecretsAnywhere, v113 } from "./helpers/up-talos.ts";
import { fakeLab, modes, verb } from "./doubles/fake-talosctl/harness.ts";

t.test("a version bump within 1.13 upgrades Talos, the extensions and Kubernetes, snapshot and dry run first, then settles", async (t) => {
  const oldText = example113("v1.13.8", "1.34.2");
  const oldHomelab = parseHomelab(oldText, "homelab.yaml").homelab;
  const lab = await fakeLab(t, oldText, [exampleSeed({ talosVersion: "v1.13.8", schematic: nodeSchematic(oldHomelab, oldHomelab.nodes[0]!).id })]);
  t.equal((await lab.run("up", ["--talos-only"], v113)).status, 0);
  t.match(lab.nodes()[0], { talosVersion: "v1.13.8" });

  const newText = edit(extensionsText, "    - siderolabs/tailscale\n", "").replace("talosVersion: v1.14.7", "talosVersion: v1.13.9").replace("kubernetesVersion: 1.37.1", "kubernetesVersion: 1.36.3");
  lab.writeConfig(newText);
  const newHomelab = parseHomelab(newText, "homelab.yaml").homelab;
  const wanted = nodeSchematic(newHomelab, newHomelab.nodes[0]!);
  const before = lab.calls().length;
  const upgrade = await lab.run("upgrade", [], v113);
  t.equal(upgrade.status, 0, upgrade.stderr);
  const calls = lab.calls().slice(before);
  t.same(
    changes(calls).map((argv) => [verb(argv), argv.find((word) => word.includes("metal-installer") || /^\d+\.\d+\.\d+$/.test(word))]),
    [
      ["upgrade", `factory.talos.dev/metal-installer/${wanted.id}:v1.13.9`],
      ["upgrade-k8s", "1.35.0"],
      ["upgrade-k8s", "1.36.3"],
      ["apply-config", undefined],
    ],
    "OS upgrade with the new schematic, Kubernetes one minor at a time, then the config with the zfs module",
  );
  const order = calls.map((argv) => (argv.includes("--dry-run") ? `${verb(argv)} --dry-run` : verb(argv)));
  t.ok(order.indexOf("etcd") < order.indexOf("upgrade-k8s --dry-run") && order.indexOf("upgrade-k8s --dry-run") < order.indexOf("upgrade"), "etcd snapshot, then upgrade-k8s --dry-run (1.35 runs on Talos 1.13.8), then the first change");
  const snapshots = readdirSync(join(lab.dir, ".hangar", "etcd-snapshots"));
  t.equal(snapshots.length, 1);
  t.equal(modes(join(lab.dir, ".hangar"))[`etcd-snapshots/${snapshots[0]}`], "600", "the snapshot is private");
  t.match(upgrade.stdout, `etcd snapshot saved to ${join(lab.dir, ".hangar", "etcd-snapshots", snapshots[0]!)}`, "its path is printed");
  const upgradeCall = calls.find((argv) => verb(argv) === "upgrade")!;
  t.ok(upgradeCall.includes("--drain=false"), "a lone node is not drained (its pods have nowhere to go)");
  const afterUpgrade = calls.slice(calls.indexOf(upgradeCall) + 1).map(verb);
  t.ok(afterUpgrade.indexOf("read") < afterUpgrade.indexOf("health"), "the boot ID is read: the upgrade reboot is awaited");
  t.ok(afterUpgrade.indexOf("health") < afterUpgrade.indexOf("upgrade-k8s"), "health is checked after the node upgrade");
  t.equal(lab.registered.at(-1), wanted.yaml, "the new schematic is registered before the upgrade");
  t.match(lab.nodes()[0], { talosVersion: "v1.13.9", schematic: wanted.id, installs: 1, upgrades: 1 });
  t.notOk(lab.nodes()[0]!.reboot, "back from the reboot");
  t.match(upgrade.stdout, "home-01: upgraded home-01-cp-0 to Talos v1.13.9; upgraded Kubernetes to 1.35.0; upgraded Kubernetes to 1.36.3; applied the changed configuration to home-01-cp-0.");

  const settled = lab.calls().length;
  const again = await lab.run("up", ["--talos-only"], v113);
  t.equal(again.status, 0, again.stderr);
  t.match(again.stdout, "is up to date");
  t.same(changes(lab.calls().slice(settled)), [], "after the upgrade, a re-run is a no-op");
});

t.test("1.13.9 to 1.14.7 with Kubernetes 1.37.1: talosctl upgrade, then upgrade-k8s, the v1.13 contract kept; a second run applies nothing", async (t) => {
  const oldText = example113();
  const lab = await fakeLab(t, oldText, [exampleSeed({ talosVersion: "v1.13.9", schematic: isoSchematic })]);
  const install = await lab.run("up", ["--talos-only"], v113);
  t.equal(install.status, 0, install.stderr);
  t.equal(readFileSync(join(lab.dir, ".hangar", "config-contract"), "utf8"), "v1.13\n");
  t.match(readFileSync(join(lab.dir, ".hangar", "patches", "controlplane.yaml"), "utf8"), "allowSchedulingOnControlPlanes: true", "v1.13 contract: v1alpha1 patches");

  lab.writeConfig(exampleText);
  const before = lab.calls().length;
  const bump = await lab.run("up", ["--talos-only"]);
  t.equal(bump.status, 0, bump.stderr);
  const calls = lab.calls().slice(before);
  t.same(
    changes(calls).map((argv) => [verb(argv), argv.find((word) => word.includes("metal-installer") || /^\d+\.\d+\.\d+$/.test(word))]),
    [
      ["upgrade", `factory.talos.dev/metal-installer/${isoSchematic}:v1.14.7`],
      ["upgrade-k8s", "1.37.1"],
      ["apply-config", undefined],
    ],
    "the OS first (Kubernetes 1.37 needs Talos 1.14), then Kubernetes, then the regenerated config (new installer image and Kubernetes images, same contract)",
  );
  const genConfig = calls.find((argv) => verb(argv) === "gen config")!;
  t.equal(genConfig[genConfig.indexOf("--talos-version") + 1], "v1.13", "the contract stays v1.13 after the upgrade");
  t.equal(readFileSync(join(lab.dir, ".hangar", "config-contract"), "utf8"), "v1.13\n");
  t.notMatch(readFileSync(join(lab.dir, ".hangar", "controlplane.yaml"), "utf8"), /kind: KubeNodeConfig/, "no v1.14 documents mixed in");
  t.match(lab.nodes()[0], { talosVersion: "v1.14.7", upgrades: 1, applies: 2 });

  const settled = lab.calls().length;
  const again = await lab.run("up", ["--talos-only"]);
  t.equal(again.status, 0, again.stderr);
  t.match(again.stdout, "is up to date: nothing applied, nothing rebooted.");
  t.same(changes(lab.calls().slice(settled)), []);

  // Opting into the new contract is explicit, and moves the cluster to the v1.14 documents in one apply.
  lab.writeConfig(exampleText.replace("  kubernetesVersion: 1.37.1\n", "  kubernetesVersion: 1.37.1\n  configContract: v1.14\n"));
  const optedAt = lab.calls().length;
  const opted = await lab.run("up", ["--talos-only"]);
  t.equal(opted.status, 0, opted.stderr);
  const optedCalls = lab.calls().slice(optedAt);
  const regenerated = optedCalls.find((argv) => verb(argv) === "gen config")!;
  t.equal(regenerated[regenerated.indexOf("--talos-version") + 1], "v1.14");
  t.same(changes(optedCalls).map(verb), ["apply-config"], "one apply of the v1.14-contract configuration");
  t.equal(readFileSync(join(lab.dir, ".hangar", "config-contract"), "utf8"), "v1.14\n");
  t.match(readFileSync(join(lab.dir, ".hangar", "patches", "controlplane.yaml"), "utf8"), "kind: KubeNodeConfig");
  const last = lab.calls().length;
  t.equal((await lab.run("up", ["--talos-only"])).status, 0);
  t.same(changes(lab.calls().slice(last)), [], "and then nothing");
});

t.test("upgrade-k8s --dry-run findings stop the run before anything changes", async (t) => {
  const lab = await fakeLab(t, example113("v1.13.9", "1.35.2"), [exampleSeed({ talosVersion: "v1.13.9", schematic: isoSchematic })], {
    removedApis: [{ resource: "flowschemas.flowcontrol.apiserver.k8s.io", version: "flowcontrol.apiserver.k8s.io/v1beta3", removedIn: 36, count: 2 }],
  });
  t.equal((await lab.run("up", ["--talos-only"], v113)).status, 0);
  lab.writeConfig(example113("v1.13.9", "1.36.3"));
  const before = lab.calls().length;
  const stopped = await lab.run("up", ["--talos-only"], v113);
  t.equal(stopped.status, 1);
  t.match(stopped.stderr, "talosctl upgrade-k8s --dry-run to 1.36.3 found problems; nothing was changed:");
  t.match(stopped.stderr, "flowschemas.flowcontrol.apiserver.k8s.io: 2 resource(s) use flowcontrol.apiserver.k8s.io/v1beta3, removed in Kubernetes 1.36");
  t.same(changes(lab.calls().slice(before)), [], "no upgrade ran");
  t.equal(readdirSync(join(lab.dir, ".hangar", "etcd-snapshots")).length, 1, "the snapshot was taken first");
});

t.test("a talosconfig near its expiry is renewed from the secrets bundle without touching a node", async (t) => {
  const lab = await fakeLab(t, exampleText, [exampleSeed({ schematic: isoSchematic })]);
  t.equal((await lab.run("up", ["--talos-only"], { env: { FAKE_TALOSCTL_CERT_DAYS: "10" } })).status, 0);
  const talosconfig = join(lab.dir, ".hangar", "talosconfig");
  const before = readFileSync(talosconfig, "utf8");
  const callsBefore = lab.calls().length;
  const run = await lab.run("up", ["--talos-only"]);
  t.equal(run.status, 0, run.stderr);
  t.match(run.stdout, /The client certificate in .*talosconfig expires in \d days; renewing it from .*secrets\.yaml \(no node is touched\)/);
  t.match(run.stdout, "converged: renewed the talosconfig client certificate.");
  const calls = lab.calls().slice(callsBefore);
  const renewal = calls.find((argv) => argv.includes("--output-types"))!;
  t.same(renewal.slice(renewal.indexOf("--output-types"), renewal.indexOf("--output-types") + 2), ["--output-types", "talosconfig"]);
  t.same(changes(calls), [], "no node touched");
  t.not(readFileSync(talosconfig, "utf8"), before, "a new client certificate");
  t.equal(modes(join(lab.dir, ".hangar"))["talosconfig"], "600");
  const third = await lab.run("up", ["--talos-only"]);
  t.match(third.stdout, "is up to date", "renewed once");
  noSecretsAnywhere(t, lab);
});

t.test("an apply that reboots the node is awaited: the next step starts after it is back with a new boot ID", async (t) => {
  const lab = await fakeLab(t, exampleText, [exampleSeed({ schematic: isoSchematic })]);
  t.equal((await lab.run("up", ["--talos-only"])).status, 0);
  const bootBefore = lab.nodes()[0]!.bootId;
  lab.writeConfig(exampleText.replace("nameservers: [10.0.0.1]", "nameservers: [10.0.0.1, 1.1.1.1]"));
  const before = lab.calls().length;
  const run = await lab.run("up", ["--talos-only"], { env: { FAKE_TALOSCTL_APPLY_MODE: "reboot" } });
  t.equal(run.status, 0, run.stderr);
  const calls = lab.calls().slice(before).map((argv) => (argv.includes("--dry-run") ? `${verb(argv)} --dry-run` : verb(argv)));
  const applied = calls.lastIndexOf("apply-config");
  t.ok(calls.slice(applied + 1).filter((word) => word === "version").length >= 3, "polled while the node was away");
  t.ok(calls.slice(applied + 1).includes("read"), "the boot ID was compared");
  t.equal(calls.at(-1), "health", "health only after the node is back");
  const node = lab.nodes()[0]!;
  t.notOk(node.reboot, "the reboot had finished when up.mjs went on");
  t.not(node.bootId, bootBefore, "it came back with a new boot ID");
});
