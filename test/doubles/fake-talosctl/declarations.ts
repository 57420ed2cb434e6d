// Declarations the Talos tests share: the shipped example (Talos v1.14.7), a three-control-plane
// cluster on Talos v1.13.9 with a VIP and two workers, and the example with extensions; and the
// simulated machines booted from the ISO that match them (DHCP leases, MACs, link names).
import { parseHomelab } from "../../../lib/homelab/load.ts";
import type { Homelab } from "../../../lib/homelab/schema.ts";
import { edits, exampleText } from "../../helpers/example.ts";
import type { NodeSeed } from "./harness.ts";

export const exampleHomelab = (): Homelab => parseHomelab(exampleText, "homelab.yaml").homelab;

export const haText = `cluster:
  name: lab
  talosVersion: v1.13.9
  kubernetesVersion: 1.36.3
  vip: 10.0.0.10
network:
  subnet: 10.0.0.0/24
  gateway: 10.0.0.1
  nameservers: [10.0.0.1, 1.1.1.1]
  dhcpRange: { start: 10.0.0.100, end: 10.0.0.249 }
nodes:
  - { name: cp-0, role: controlplane, address: 10.0.0.11, interface: enp1s0, installDisk: /dev/nvme0n1 }
  - { name: cp-1, role: controlplane, address: 10.0.0.12, mac: "00:1e:06:45:12:34", installDisk: /dev/sda }
  - { name: cp-2, role: controlplane, address: 10.0.0.13, interface: enp2s0, installDisk: /dev/sda, maintenanceAddress: 10.0.0.150 }
  - { name: worker-0, role: worker, address: 10.0.0.21, interface: eno1, mac: "00:1e:06:45:21:00", installDisk: /dev/sda }
  - { name: worker-1, role: worker, address: 10.0.0.22, interface: eno1, mac: "00:1e:06:45:22:00", installDisk: /dev/sda }
addons:
  metallb:
    pools: [{ name: lan, addresses: [10.0.0.30-10.0.0.39] }]
    l2Advertisements: [{ name: lan, pools: [lan], nodes: [worker-0, worker-1] }]
  ingressNginx: { address: 10.0.0.30 }
`;

export const haHomelab = (text = haText): Homelab => parseHomelab(text, "ha.yaml").homelab;

export const extensionsText = edits(
  ["    - siderolabs/intel-ucode", "    - siderolabs/intel-ucode\n    - siderolabs/zfs\n    - siderolabs/tailscale"],
);

export const extensionsHomelab = (): Homelab => parseHomelab(extensionsText, "homelab.yaml").homelab;

/** The example's node as it boots from the ISO: a DHCP lease, the declared MAC on enp1s0. */
export const exampleSeed = (extra: Partial<NodeSeed> = {}): NodeSeed => ({ maintenanceAddress: "10.0.0.150", mac: "00:1e:06:45:0a:01", ...extra });

/** The HA cluster's machines: cp-0 has no MAC declared (found with --maintenance-address), cp-1 by MAC through a link alias, cp-2 at its declared maintenanceAddress, workers by MAC. */
export const haSeeds = (talosVersion = "v1.13.9"): NodeSeed[] => [
  { maintenanceAddress: "10.0.0.160", mac: "00:1e:06:45:11:00", links: [{ name: "enp1s0", mac: "00:1e:06:45:11:00" }], talosVersion },
  { maintenanceAddress: "10.0.0.161", mac: "00:1e:06:45:12:34", links: [{ name: "enp3s0", mac: "00:1e:06:45:12:34" }], talosVersion },
  { maintenanceAddress: "10.0.0.150", mac: "00:1e:06:45:13:00", links: [{ name: "enp2s0", mac: "00:1e:06:45:13:00" }], talosVersion },
  { maintenanceAddress: "10.0.0.171", mac: "00:1e:06:45:21:00", links: [{ name: "eno1", mac: "00:1e:06:45:21:00" }], talosVersion },
  { maintenanceAddress: "10.0.0.172", mac: "00:1e:06:45:22:00", links: [{ name: "eno1", mac: "00:1e:06:45:22:00" }], talosVersion },
];
