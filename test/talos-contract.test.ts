// The pure decisions behind issue 11: which contract a run uses, where a maintenance node is,
// when the talosconfig is renewed, which etcd snapshots go, which Talos/Kubernetes pairs run.
import t from "tap";
import { chooseContract, inferContract, usesKubeDocuments } from "../lib/talos/contract.ts";
import { locateMaintenance, parseMaintenanceFlags, dhcpRangeAddresses } from "../lib/talos/maintenance.ts";
import { snapshotName, snapshotsToPrune } from "../lib/talos/snapshots.ts";
import { certificateState } from "../lib/talos/talosconfig.ts";
import { talosSupport } from "../lib/homelab/versions.ts";
import { exampleHomelab, haHomelab } from "./doubles/fake-talosctl/declarations.ts";

t.test("the contract: first install takes the Talos minor, then it is kept; a declared one only moves forward", async (t) => {
  const homelab = exampleHomelab();
  t.same(chooseContract(homelab, undefined), { contract: "v1.14", record: true }, "fresh v1.14.7 install");
  t.same(chooseContract(homelab, "v1.13"), { contract: "v1.13", record: false }, "installed with 1.13: kept after the upgrade");
  const optIn = { ...homelab, cluster: { ...homelab.cluster, configContract: "v1.14" } };
  t.same(chooseContract(optIn, "v1.13"), { contract: "v1.14", record: true }, "explicit opt-in");
  const back = { ...homelab, cluster: { ...homelab.cluster, configContract: "v1.12" } };
  t.throws(() => chooseContract(back, "v1.13"), /cluster\.configContract v1\.12 is older than the contract this cluster was installed with \(v1\.13\)/);
  t.ok(usesKubeDocuments("v1.14") && usesKubeDocuments("v1.15") && !usesKubeDocuments("v1.13"));
  t.equal(inferContract("version: v1alpha1\nmachine: {}\n", "v1.14.7"), "v1.13", "an old state folder without KubeNodeConfig was a v1.13 cluster");
  t.equal(inferContract("---\napiVersion: v1alpha1\nkind: KubeNodeConfig\n", "v1.14.7"), "v1.14");
  t.equal(inferContract("version: v1alpha1\n", "v1.12.11"), "v1.12");
});

t.test("maintenance addresses: the flag, the declaration, then ARP by MAC; otherwise one line that says what to pass", async (t) => {
  const homelab = haHomelab();
  const [cp0, cp1, cp2] = homelab.nodes;
  const flags = parseMaintenanceFlags(["cp-0=10.0.0.160"], homelab);
  const scan = { answers: [{ ip: "10.0.0.161", mac: "00:1e:06:45:12:34" }] };
  t.same(locateMaintenance(homelab, cp0!, flags, scan), { address: "10.0.0.160", how: "--maintenance-address" });
  t.same(locateMaintenance(homelab, cp1!, flags, scan), { address: "10.0.0.161", how: "ARP: 00:1e:06:45:12:34 in the DHCP range" });
  t.same(locateMaintenance(homelab, cp2!, flags, scan), { address: "10.0.0.150", how: "maintenanceAddress in homelab.yaml" });
  t.match(locateMaintenance(homelab, cp0!, new Map(), scan), { problem: "it declares no mac, so hangar cannot find its DHCP lease: add its mac to homelab.yaml or pass --maintenance-address cp-0=<its DHCP address> (shown on the node's console)" });
  t.match(locateMaintenance(homelab, cp1!, new Map(), { answers: [...scan.answers, { ip: "10.0.0.170", mac: "00:1e:06:45:12:34" }] }), { problem: /answers at several addresses \(10\.0\.0\.161, 10\.0\.0\.170\)/ });
  t.match(locateMaintenance(homelab, cp1!, new Map(), { error: "arp-scan is not installed" }), { problem: /cannot scan the DHCP range for 00:1e:06:45:12:34 \(arp-scan is not installed\)/ });
  t.throws(() => parseMaintenanceFlags(["nas=10.0.0.160"], homelab), /no node named nas/);
  t.throws(() => parseMaintenanceFlags(["home-01-cp-0=10.0.0.999"], exampleHomelab()), /10\.0\.0\.999 is not an IPv4 address/);
  // The flag meets the declaration's rule: a DHCP lease, never the node's own static address.
  t.throws(() => parseMaintenanceFlags(["cp-0=10.0.0.11"], homelab), { message: "--maintenance-address cp-0=10.0.0.11: 10.0.0.11 is the node's own address, which it takes only once configured; in maintenance mode it answers on its DHCP lease (shown on its console and in the router's lease list)" });
  t.throws(() => parseMaintenanceFlags(["cp-0=10.0.0.50"], homelab), { message: "--maintenance-address cp-0=10.0.0.50: 10.0.0.50 is outside the DHCP range 10.0.0.100-10.0.0.249; in maintenance mode the node answers on the lease the router gave it, which comes from that range" });
  const range = dhcpRangeAddresses(homelab);
  t.same([range[0], range.at(-1), range.length], ["10.0.0.100", "10.0.0.249", 150]);
});

t.test("talosconfig renewal within 30 days of expiry; snapshots keep the newest five", async (t) => {
  const now = Date.parse("2026-12-03T08:00:00Z");
  const inDays = (days: number) => new Date(now + days * 86_400_000);
  t.same(certificateState(inDays(200), now), { state: "valid", days: 200 });
  t.same(certificateState(inDays(29.5), now), { state: "renew", days: 29, expired: false });
  t.same(certificateState(inDays(-1), now), { state: "renew", days: -1, expired: true });
  t.same(certificateState(undefined, now), { state: "unknown" });
  t.equal(snapshotName(now), "etcd-20261203T080000Z.snapshot");
  const names = Array.from({ length: 7 }, (_, day) => snapshotName(now + day * 86_400_000)).reverse();
  t.same(snapshotsToPrune([...names, "notes.txt"], 5), [snapshotName(now), snapshotName(now + 86_400_000)], "the two oldest, nothing else");
});

t.test("Talos/Kubernetes pairs: the published ranges, a newer minor extrapolated and flagged, older refused", async (t) => {
  t.same(talosSupport("v1.12.11"), { oldest: "1.30", newest: "1.35", unchecked: false });
  t.same(talosSupport("v1.13.9"), { oldest: "1.31", newest: "1.36", unchecked: false });
  t.same(talosSupport("v1.14.7"), { oldest: "1.32", newest: "1.37", unchecked: false });
  t.same(talosSupport("v1.15.0"), { oldest: "1.33", newest: "1.38", unchecked: true });
  t.equal(talosSupport("v1.11.6"), undefined);
});
