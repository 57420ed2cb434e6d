// reset.mjs asks before it resets, picks --graceful=false for the only control plane, and
// leaves the node in maintenance mode so up.mjs can install it again with the same secrets.
import t from "tap";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { nodeSchematic } from "../lib/talos/schematic.ts";
import { exampleText } from "./helpers/example.ts";
import { exampleHomelab, exampleSeed, haHomelab, haSeeds, haText } from "./doubles/fake-talosctl/declarations.ts";
import { fakeLab, verb } from "./doubles/fake-talosctl/harness.ts";

const isoSchematic = nodeSchematic(exampleHomelab(), exampleHomelab().nodes[0]!).id;
const resets = (calls: string[][]) => calls.filter((argv) => verb(argv) === "reset");

t.test("the only node: confirmation, --graceful=false, back to maintenance, installed again", async (t) => {
  const lab = await fakeLab(t, exampleText, [exampleSeed({ schematic: isoSchematic })]);
  t.equal((await lab.run("up", ["--talos-only"])).status, 0);
  const secrets = readFileSync(join(lab.dir, ".hangar", "secrets.yaml"));

  const piped = await lab.run("reset", [], { input: "home-01-cp-0\n" });
  t.equal(piped.status, 1, "an answer piped in is not a person at a terminal");
  t.match(piped.stdout, "This resets home-01-cp-0 (10.0.0.2): erases its configuration and data (STATE and EPHEMERAL) and reboots it into maintenance mode.");
  t.match(piped.stdout, "It is the only control plane");
  t.match(piped.stdout, "Not confirmed: no terminal to ask on (stdin is not a TTY); re-run with --yes to confirm; nothing was reset.");
  const silent = await lab.run("reset");
  t.equal(silent.status, 1, "no answer (stdin closed) is a no");
  t.same(resets(lab.calls()), []);

  const typo = await lab.run("reset", [], { input: "home-01\n", tty: true });
  t.equal(typo.status, 1, "at a terminal, a wrong name is a no");
  t.match(typo.stdout, "Type the name (home-01-cp-0) to confirm: ");
  t.match(typo.stdout, 'Not confirmed: the answer was "home-01", not "home-01-cp-0"; nothing was reset.');
  t.same(resets(lab.calls()), []);

  const confirmed = await lab.run("reset", [], { input: "home-01-cp-0\n", tty: true });
  t.equal(confirmed.status, 0, confirmed.stderr);
  t.same(resets(lab.calls()), [
    [
      "reset", "--talosconfig", join(lab.dir, ".hangar", "talosconfig"), "--nodes", "10.0.0.2", "--endpoints", "10.0.0.2",
      "--graceful=false", "--system-labels-to-wipe", "STATE", "--system-labels-to-wipe", "EPHEMERAL", "--reboot",
    ],
  ]);
  t.match(lab.nodes()[0], { state: "maintenance" });
  t.equal(lab.nodes()[0]!.maintenanceAddress, "10.0.0.150", "back on a DHCP lease, not its static address");

  const before = lab.calls().length;
  const again = await lab.run("up", ["--talos-only"]);
  t.equal(again.status, 0, again.stderr);
  const calls = lab.calls().slice(before);
  t.ok(calls.some((argv) => verb(argv) === "apply-config" && argv.includes("--insecure") && argv.includes("10.0.0.150")), "found by its MAC and installed again from maintenance mode");
  t.ok(calls.some((argv) => verb(argv) === "bootstrap"), "and bootstrapped again");
  t.same(readFileSync(join(lab.dir, ".hangar", "secrets.yaml")), secrets, "with the same secrets");
});

t.test("several nodes: --node is required, workers reset gracefully, --wipe-disk wipes", async (t) => {
  const homelab = haHomelab();
  const lab = await fakeLab(
    t,
    haText,
    haSeeds().map((seed, index) => ({ ...seed, schematic: nodeSchematic(homelab, homelab.nodes[index]!).id })),
  );
  const v113 = { env: { FAKE_TALOSCTL_VERSION: "v1.13.9" } };
  const up = await lab.run("up", ["--talos-only", "--maintenance-address", "cp-0=10.0.0.160"], v113);
  t.equal(up.status, 0, up.stderr);
  const which = await lab.run("reset", ["--yes"]);
  t.equal(which.status, 1);
  t.match(which.stderr, "say which node to reset with --node (cp-0, cp-1, cp-2, worker-0, worker-1)");
  t.match((await lab.run("reset", ["--node", "nas", "--yes"])).stderr, "no node named nas");

  const worker = await lab.run("reset", ["--node", "worker-0", "--yes", "--wipe-disk"]);
  t.equal(worker.status, 0, worker.stderr);
  const call = resets(lab.calls())[0]!;
  t.ok(call.includes("--graceful=true") && call.includes("--wipe-mode"), "graceful, whole disk");
  t.equal(lab.nodes()[3]!.state, "off", "wiped and powered off");
  const controlPlane = await lab.run("reset", ["--node", "cp-1", "--yes"]);
  t.equal(controlPlane.status, 0, controlPlane.stderr);
  t.ok(resets(lab.calls())[1]!.includes("--graceful=true"), "one of three control planes leaves etcd gracefully");
});
