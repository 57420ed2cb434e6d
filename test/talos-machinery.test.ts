// Real Talos configuration tooling against hangar and against the fake: every machine
// configuration hangar produces for the v1.12 and v1.13 contracts (the example, the HA and
// extension declarations) goes through real `gen secrets` / `gen config` with hangar's patches
// and real `validate --mode metal` (talos-machinery: talosctl's own commands on Talos machinery
// v1.13.9). The fake talosctl gets the same inputs, good and bad, and must reach the same verdict
// with the same words. The v1.14 contract: test/talos-machinery-1.14.test.ts.
import t from "tap";
import { exampleHomelab, extensionsHomelab, haHomelab } from "./doubles/fake-talosctl/declarations.ts";
import { acceptsAll, type BadCase, type Case, rejectsAll, validationCount } from "./helpers/talos-verdicts.ts";

// Dozens of real and fake talosctl runs: more than the default file timeout on a loaded machine.
t.setTimeout(600_000);

const good: Case[] = [];
for (const contract of ["v1.12", "v1.13"] as const) {
  good.push(
    { name: `example, ${contract} contract`, homelab: exampleHomelab(), contract },
    { name: `three control planes, VIP, workers, ${contract} contract`, homelab: haHomelab(), contract },
    { name: `extensions (zfs module, tailscale service), ${contract} contract`, homelab: extensionsHomelab(), contract },
  );
}

t.test("every configuration hangar produces for the v1.12 and v1.13 contracts is valid for real Talos, and for the fake", (t) => acceptsAll(t, good));

const bad: BadCase[] = [
  {
    name: "the default route as 0.0.0.0/0 (what hangar wrote before)",
    homelab: exampleHomelab(),
    contract: "v1.13",
    extra: "apiVersion: v1alpha1\nkind: LinkConfig\nname: enp1s0\nroutes:\n  - destination: 0.0.0.0/0\n    gateway: 10.0.0.1\n",
    says: "route 1 destination must be a valid IP prefix",
  },
  {
    name: "the same document twice in one patch",
    homelab: exampleHomelab(),
    contract: "v1.13",
    extra: "apiVersion: v1alpha1\nkind: LinkConfig\nname: enp1s0\nmtu: 1500\n---\napiVersion: v1alpha1\nkind: LinkConfig\nname: enp1s0\nmtu: 9000\n",
    says: "duplicate document v1alpha1/LinkConfig/enp1s0 is not allowed (line 6)",
  },
  {
    name: "a hostname with auto: stable",
    homelab: exampleHomelab(),
    contract: "v1.13",
    extra: "apiVersion: v1alpha1\nkind: HostnameConfig\nauto: stable\n",
    says: "'auto' and 'hostname' cannot be set at the same time",
  },
  {
    name: "the legacy machine.network.hostname beside HostnameConfig",
    homelab: exampleHomelab(),
    contract: "v1.12",
    extra: "machine:\n  network:\n    hostname: home-01-cp-0\n",
    says: "static hostname is already set in v1alpha1 config",
  },
  {
    name: "nameservers in v1alpha1 and in ResolverConfig",
    homelab: exampleHomelab(),
    contract: "v1.13",
    extra: "machine:\n  network:\n    nameservers: [1.1.1.1]\n",
    says: ".machine.network.nameservers is already set in v1alpha1 config",
  },
  {
    name: "a Layer2VIPConfig whose name is not an address",
    homelab: haHomelab(),
    contract: "v1.13",
    extra: "apiVersion: v1alpha1\nkind: Layer2VIPConfig\nname: vip\nlink: enp1s0\n",
    says: "name must be a valid IP address",
  },
  {
    name: "the exclude-label delete in the common patch (workers lack it)",
    homelab: haHomelab(),
    contract: "v1.13",
    common: "machine:\n  nodeLabels:\n    node.kubernetes.io/exclude-from-external-load-balancers:\n      $patch: delete\n",
    says: "lookup failed",
  },
];

t.test("what real Talos rejects, the fake rejects, in Talos' words", (t) => rejectsAll(t, bad));

t.teardown(() => console.log(`# ${validationCount()} validate runs (real and fake) over ${good.length + bad.length} cases`));
