// homelab.yaml checks: the example is valid, and each broken variant gets exactly the expected
// one-line messages (file:LINE:COL field.path: what is wrong).
import t from "tap";
import { edit, edits, exampleText } from "./helpers/example.ts";
import { parseHomelab } from "../lib/homelab/load.ts";
import { HomelabError } from "../lib/homelab/problems.ts";
const secondNode = `  - name: home-01-cp-0
    role: controlplane
    address: 10.0.0.5
    interface: enp1s0
    installDisk: /dev/sda
`;
const cases: [string, string, string[]][] = [
  ["upper-case cluster name", edits(["name: home-01\n", "name: Home-01\n"]),
    [
      "homelab.yaml:4:3 cluster.name: must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters (got \"Home-01\")",
    ]],
  ["talos version without v", edits(["talosVersion: v1.14.7", "talosVersion: 1.13.9"]),
    [
      "homelab.yaml:5:3 cluster.talosVersion: must be a Talos release like v1.14.7 (got \"1.13.9\")",
    ]],
  ["kubernetes version with v", edits(["kubernetesVersion: 1.37.1", "kubernetesVersion: v1.36.3"]),
    [
      "homelab.yaml:6:3 cluster.kubernetesVersion: must be a Kubernetes release like 1.37.1 (no leading v) (got \"v1.36.3\")",
    ]],
  ["talos older than hangar supports", edits(["talosVersion: v1.14.7", "talosVersion: v1.9.0"]),
    [
      "homelab.yaml:5:3 cluster.talosVersion: Talos v1.9.0 is older than hangar supports (v1.12 and newer; checked: v1.12, v1.13, v1.14); upgrade the cluster with talosctl first",
    ]],
  ["talos 1.11 lacks HostnameConfig, LinkConfig and ResolverConfig", edits(["talosVersion: v1.14.7", "talosVersion: v1.11.6"], ["kubernetesVersion: 1.37.1", "kubernetesVersion: 1.34.1"]),
    [
      "homelab.yaml:5:3 cluster.talosVersion: Talos v1.11.6 is older than hangar supports (v1.12 and newer; checked: v1.12, v1.13, v1.14); upgrade the cluster with talosctl first",
    ]],
  ["kubernetes too old for talos", edits(["kubernetesVersion: 1.37.1", "kubernetesVersion: 1.31.4"]),
    [
      "homelab.yaml:6:3 cluster.kubernetesVersion: Kubernetes 1.31.4 is not supported by Talos v1.14.7 (supported: 1.32.x to 1.37.x)",
    ]],
  ["kubernetes 1.36 outside talos 1.12's range", edits(["talosVersion: v1.14.7", "talosVersion: v1.12.11"], ["kubernetesVersion: 1.37.1", "kubernetesVersion: 1.36.3"]),
    [
      "homelab.yaml:6:3 cluster.kubernetesVersion: Kubernetes 1.36.3 is not supported by Talos v1.12.11 (supported: 1.30.x to 1.35.x)",
    ]],
  ["an unknown pairing with a newer talos is still an error", edits(["talosVersion: v1.14.7", "talosVersion: v1.15.0"], ["kubernetesVersion: 1.37.1", "kubernetesVersion: 1.32.0"]),
    [
      "homelab.yaml:6:3 cluster.kubernetesVersion: Kubernetes 1.32.0 is not supported by Talos v1.15.0 (supported: 1.33.x to 1.38.x)",
    ]],
  ["a node without interface or mac", edits(["    interface: enp1s0\n", ""], ['    mac: "00:1e:06:45:0a:01"\n', ""]),
    [
      "homelab.yaml:23:5 nodes[0]: home-01-cp-0 declares neither interface nor mac; name its link (e.g. interface: enp1s0, see talosctl get links) or give its mac, since Talos names links predictably and hangar does not guess eth0",
    ]],
  ["unknown top-level key", exampleText + "addon: {}\n",
    [
      "homelab.yaml:47:1 addon: is not a known field; check its spelling (known fields: cluster, network, nodes, addons)",
    ]],
  ["subnet not a network address", edits(["subnet: 10.0.0.0/24", "subnet: 10.0.0.5/24"]),
    [
      "homelab.yaml:13:3 network.subnet: is not a network address; write 10.0.0.0/24",
    ]],
  ["subnet prefix too long", edits(["subnet: 10.0.0.0/24", "subnet: 10.0.0.0/33"]),
    [
      "homelab.yaml:13:3 network.subnet: must be an IPv4 network in CIDR form like 10.0.0.0/24 (got \"10.0.0.0/33\")",
    ]],
  ["gateway outside subnet", edits(["gateway: 10.0.0.1", "gateway: 10.0.1.1"]),
    [
      "homelab.yaml:14:3 network.gateway: the gateway 10.0.1.1 is outside the subnet 10.0.0.0/24",
    ]],
  ["gateway is the network address", edits(["gateway: 10.0.0.1", "gateway: 10.0.0.0"]),
    [
      "homelab.yaml:14:3 network.gateway: the gateway cannot be the network address 10.0.0.0",
    ]],
  ["dhcp range backwards", edits(["start: 10.0.0.100", "start: 10.0.0.250"]),
    [
      "homelab.yaml:20:5 network.dhcpRange.end: 10.0.0.249 is before start 10.0.0.250: the range is reversed; swap start and end",
    ]],
  ["dhcp range end outside subnet", edits(["end: 10.0.0.249", "end: 10.0.1.20"]),
    [
      "homelab.yaml:20:5 network.dhcpRange.end: the DHCP range end 10.0.1.20 is outside the subnet 10.0.0.0/24",
    ]],
  ["node address in dhcp range", edits(["address: 10.0.0.2", "address: 10.0.0.120"]),
    [
      "homelab.yaml:26:5 nodes[0].address: 10.0.0.120 overlaps the DHCP range 10.0.0.100-10.0.0.249; the router may lease it to another device. Move it out of the range or shrink the range",
    ]],
  ["node address is the gateway", edits(["address: 10.0.0.2", "address: 10.0.0.1"]),
    [
      "homelab.yaml:26:5 nodes[0].address: 10.0.0.1 is the gateway 10.0.0.1; pick addresses that no other device uses",
    ]],
  ["node address is broadcast", edits(["address: 10.0.0.2", "address: 10.0.0.255"]),
    [
      "homelab.yaml:26:5 nodes[0].address: 10.0.0.255 is the broadcast address 10.0.0.255; pick addresses that no other device uses",
    ]],
  ["node address outside subnet", edits(["address: 10.0.0.2", "address: 192.168.1.2"]),
    [
      "homelab.yaml:26:5 nodes[0].address: 192.168.1.2 is outside the subnet 10.0.0.0/24; use addresses inside it",
    ]],
  ["node address not an IP", edits(["address: 10.0.0.2", "address: 10.0.0.256"]),
    [
      "homelab.yaml:26:5 nodes[0].address: must be an IPv4 address like 10.0.0.2 (got \"10.0.0.256\")",
    ]],
  ["pool overlaps dhcp range", edits(["addresses: [10.0.0.3/32]", "addresses: [10.0.0.3/32, 10.0.0.96/27]"]),
    [
      "homelab.yaml:37:34 addons.metallb.pools[0].addresses[1]: 10.0.0.96-10.0.0.127 overlaps the DHCP range 10.0.0.100-10.0.0.249; the router may lease it to another device. Move it out of the range or shrink the range",
    ]],
  ["pool covers the node", edits(["addresses: [10.0.0.3/32]", "addresses: [10.0.0.2/31]"]),
    [
      "homelab.yaml:37:21 addons.metallb.pools[0].addresses[0]: 10.0.0.2-10.0.0.3 is also claimed by node home-01-cp-0; every owned address must be distinct",
    ]],
  ["pool range backwards", edits(["addresses: [10.0.0.3/32]", "addresses: [10.0.0.9-10.0.0.3]"]),
    [
      "homelab.yaml:37:21 addons.metallb.pools[0].addresses[0]: 10.0.0.9-10.0.0.3 is reversed: its first address comes after its last; write 10.0.0.3-10.0.0.9",
      "homelab.yaml:44:5 addons.ingressNginx.address: 10.0.0.3 is not in pool lan (10.0.0.9-10.0.0.3); MetalLB would never assign it",
    ]],
  ["pool cidr not aligned", edits(["addresses: [10.0.0.3/32]", "addresses: [10.0.0.3/30]"]),
    [
      "homelab.yaml:37:21 addons.metallb.pools[0].addresses[0]: 10.0.0.3/30 is not a network address; write 10.0.0.0/30 or list the single address as 10.0.0.3/32",
    ]],
  ["ingress ip outside its pool", edits(["    address: 10.0.0.3", "    address: 10.0.0.4"]),
    [
      "homelab.yaml:44:5 addons.ingressNginx.address: 10.0.0.4 is not in pool lan (10.0.0.3/32); MetalLB would never assign it",
    ]],
  ["ingress names unknown pool", edits(["    pool: lan\n", "    pool: wan\n"]),
    [
      "homelab.yaml:45:5 addons.ingressNginx.pool: names pool \"wan\", which is not declared (pools: lan)",
    ]],
  ["l2 advertisement names unknown node", edits(["nodes: [home-01-cp-0]", "nodes: [home-01-cp-1]"]),
    [
      "homelab.yaml:42:17 addons.metallb.l2Advertisements[0].nodes[0]: names node \"home-01-cp-1\", which is not declared (nodes: home-01-cp-0)",
    ]],
  ["l2 advertisement names unknown pool", edits(["pools: [lan]", "pools: [lab]"]),
    [
      "homelab.yaml:41:17 addons.metallb.l2Advertisements[0].pools[0]: names pool \"lab\", which is not declared (pools: lan)",
    ]],
  ["duplicate node name", edits(["addons:\n", secondNode + "\naddons:\n"]),
    [
      "homelab.yaml:32:5 nodes[1].name: node \"home-01-cp-0\" is declared twice",
    ]],
  ["no control plane", edits(["role: controlplane", "role: worker"]),
    [
      "homelab.yaml:22:1 nodes: has no controlplane node; a cluster needs at least one (role: controlplane)",
    ]],
  ["missing install disk", edits(["    installDisk: /dev/nvme0n1\n", ""]),
    [
      "homelab.yaml:23:5 nodes[0].installDisk: is required",
    ]],
  ["unknown role", edits(["role: controlplane", "role: master"]),
    [
      "homelab.yaml:24:5 nodes[0].role: must be controlplane or worker (got \"master\")",
    ]],
  ["upper-case mac", edits(['    mac: "00:1e:06:45:0a:01"', "    mac: 00:1E:06:45:12:34"]),
    [
      "homelab.yaml:29:5 nodes[0].mac: must be a lower-case MAC address like 00:1e:06:45:12:34 (got \"00:1E:06:45:12:34\")",
    ]],
  ["bad log level", edits(["logLevel: info", "logLevel: loud"]),
    [
      "homelab.yaml:34:5 addons.metallb.logLevel: must be one of all, debug, info, warn, error, none (got \"loud\")",
    ]],
  ["misspelt field", edits(["autoAssign: true", "autoassign: true"]),
    [
      "homelab.yaml:38:9 addons.metallb.pools[0].autoassign: is not a known field; check its spelling (known fields: name, addresses, autoAssign, avoidBuggyIPs)",
    ]],
  ["replicas zero", edits(["defaultClass: true", "defaultClass: true\n    replicas: 0"]),
    [
      "homelab.yaml:47:5 addons.ingressNginx.replicas: must be >= 1 (got 0)",
    ]],
  ["vip on the node address", edits(["  kubernetesVersion: 1.37.1\n", "  kubernetesVersion: 1.37.1\n  vip: 10.0.0.2\n"]),
    [
      "homelab.yaml:7:3 cluster.vip: 10.0.0.2 is also claimed by node home-01-cp-0; every owned address must be distinct",
    ]],
  ["extension listed twice", edits(["    - siderolabs/intel-ucode\n", "    - siderolabs/intel-ucode\n    - siderolabs/i915\n"]),
    [
      "homelab.yaml:8:3 cluster.extensions: lists \"siderolabs/i915\" twice; keep one",
    ]],
  ["empty node list", edits(["nodes:\n  - name: home-01-cp-0", "nodes: []\nunused:\n  - name: home-01-cp-0"]),
    [
      "homelab.yaml:22:1 nodes: must list at least 1 item",
      "homelab.yaml:23:1 unused: is not a known field; check its spelling (known fields: cluster, network, nodes, addons)",
    ]],
  ["duplicate key", edits(["  gateway: 10.0.0.1\n", "  gateway: 10.0.0.1\n  gateway: 10.0.0.254\n"]),
    [
      "homelab.yaml:15:3 yaml: Map keys must be unique",
    ]],
  ["yaml syntax error", edits(["  nameservers: [10.0.0.1]", "  nameservers: [10.0.0.1"]),
    [
      "homelab.yaml:18:3 yaml: Flow sequence in block collection must be sufficiently indented and end with a ]",
    ]],
  ["several problems at once", edits(["address: 10.0.0.2", "address: 10.0.0.130"], ["    address: 10.0.0.3", "    address: 10.0.0.7"]),
    [
      "homelab.yaml:26:5 nodes[0].address: 10.0.0.130 overlaps the DHCP range 10.0.0.100-10.0.0.249; the router may lease it to another device. Move it out of the range or shrink the range",
      "homelab.yaml:44:5 addons.ingressNginx.address: 10.0.0.7 is not in pool lan (10.0.0.3/32); MetalLB would never assign it",
    ]],
];

t.test("the shipped example is valid and has no warnings", async (t) => {
  const { homelab, warnings } = parseHomelab(exampleText, "homelab.yaml");
  t.equal(homelab.cluster.name, "home-01");
  t.equal(homelab.nodes[0]?.address, "10.0.0.2");
  t.same(warnings, []);
});

t.test(`${cases.length} broken declarations, each with its exact messages`, async (t) => {
  for (const [name, text, expected] of cases) {
    let error: unknown;
    try {
      parseHomelab(text, "homelab.yaml");
    } catch (caught) {
      error = caught;
    }
    t.type(error, HomelabError, `${name}: rejected`);
    t.same((error as HomelabError).lines, expected, name);
  }
});

t.test("a missing DHCP range is a warning that says why it matters", async (t) => {
  const text = edits(["  dhcpRange:\n    start: 10.0.0.100\n    end: 10.0.0.249\n", ""]);
  const { warnings } = parseHomelab(text, "lab.yaml");
  t.same(warnings, [
    "lab.yaml:12:1 network.dhcpRange: is not declared, so hangar cannot check that the router never leases node, VIP or pool addresses; declare the router's DHCP range (warning)",
  ]);
});

t.test("issue 12: declarations that used to pass are refused, one precise line each", async (t) => {
  const refused = (from: string, to: string) => {
    try {
      parseHomelab(edit(exampleText, from, to), "homelab.yaml");
      return "accepted";
    } catch (error) {
      return (error as Error).message;
    }
  };
  t.equal(refused("subnet: 10.0.0.0/24", "subnet: 10.0.0.0/0"), "homelab.yaml:13:3 network.subnet: 10.0.0.0/0 is a /0, far larger than any LAN; a homelab subnet is /8 to /30, e.g. 10.0.0.0/24");
  t.equal(refused("interface: enp1s0", 'interface: "enp 1s0"'), 'homelab.yaml:27:5 nodes[0].interface: "enp 1s0" contains whitespace, which Linux interface names cannot contain');
  t.equal(refused("interface: enp1s0", "interface: enp1s0-with-a-long-name"), 'homelab.yaml:27:5 nodes[0].interface: "enp1s0-with-a-long-name" is 23 characters long; Linux interface names have at most 15');
  t.equal(refused("interface: enp1s0", "interface: en/p1"), "homelab.yaml:27:5 nodes[0].interface: \"en/p1\" contains '/', which Linux interface names cannot contain");
  t.equal(refused("interface: enp1s0", "interface: enp1s0\n    maintenanceAddress: 192.168.1.5"), "homelab.yaml:28:5 nodes[0].maintenanceAddress: 192.168.1.5 is outside the subnet 10.0.0.0/24; the node boots the ISO on this LAN, so its DHCP address is inside it");
  t.equal(refused("nodes: [home-01-cp-0]", "nodes: [home-01-cp-9]"), 'homelab.yaml:42:17 addons.metallb.l2Advertisements[0].nodes[0]: names node "home-01-cp-9", which is not declared (nodes: home-01-cp-0)');
  t.equal(refused("        nodes: [home-01-cp-0]", "        nodes: [home-01-cp-0]\n        interfaces: [\"eth 0\"]"), 'homelab.yaml:43:22 addons.metallb.l2Advertisements[0].interfaces[0]: "eth 0" contains whitespace, which Linux interface names cannot contain');
});

t.test("a Talos minor newer than hangar knows is a warning naming the Talos code its checks ran against, not a refusal", async (t) => {
  const { warnings } = parseHomelab(edits(["talosVersion: v1.14.7", "talosVersion: v1.15.0"], ["kubernetesVersion: 1.37.1", "kubernetesVersion: 1.38.0"]), "homelab.yaml");
  t.same(warnings, [
    "homelab.yaml:5:3 cluster.talosVersion: Talos v1.15.0 is newer than hangar knows (its checks ran against Talos machinery v1.13.9 and v1.14.1); hangar runs it with the newest rules it knows. Read its release notes, and update hangar when a release covers it (warning)",
  ]);
});

t.test("issue 21: what Talos would trip over is refused before anything runs, one precise line each", async (t) => {
  const verdict = (text: string) => {
    try {
      const { warnings } = parseHomelab(text, "homelab.yaml");
      return warnings.length === 0 ? "accepted" : warnings.join("\n");
    } catch (error) {
      return (error as Error).message;
    }
  };
  const withKernelArg = (arg: string, ...more: [string, string][]) =>
    edits(["    - siderolabs/intel-ucode\n", `    - siderolabs/intel-ucode\n  extraKernelArgs: [${arg}]\n`], ...more);
  const renamed = (name: string, arg: string) =>
    `${name} is a predictable link name, but cluster.extraKernelArgs has ${arg}, so the link will be eth0 (eth1, ... on a machine with several); name it eth0 or drop ${arg}`;

  t.equal(verdict(withKernelArg("net.ifnames=0")), `homelab.yaml:28:5 nodes[0].interface: ${renamed("enp1s0", "net.ifnames=0")}`, "net.ifnames=0 beside enp1s0");
  t.equal(verdict(withKernelArg("net.ifnames=false", ["interface: enp1s0", "interface: eno1"])), `homelab.yaml:28:5 nodes[0].interface: ${renamed("eno1", "net.ifnames=false")}`, "udev reads false as 0 too");
  t.equal(
    verdict(withKernelArg("net.ifnames=0", ["interface: enp1s0", "interface: eth0"], ["        nodes: [home-01-cp-0]", "        nodes: [home-01-cp-0]\n        interfaces: [enp1s0]"])),
    `homelab.yaml:44:22 addons.metallb.l2Advertisements[0].interfaces[0]: ${renamed("enp1s0", "net.ifnames=0")}`,
    "MetalLB would announce on a link that does not exist",
  );
  t.equal(verdict(withKernelArg("net.ifnames=0", ["interface: enp1s0", "interface: eth0"])), "accepted", "net.ifnames=0 with eth0");
  t.equal(verdict(withKernelArg("net.ifnames=1")), "accepted", "predictable names kept on");

  t.equal(verdict(edits(["talosVersion: v1.14.7", "talosVersion: v01.014.7"])), 'homelab.yaml:5:3 cluster.talosVersion: must be a Talos release like v1.14.7 (got "v01.014.7")');
  t.equal(verdict(edits(["talosVersion: v1.14.7", "talosVersion: v1.14.07"])), 'homelab.yaml:5:3 cluster.talosVersion: must be a Talos release like v1.14.7 (got "v1.14.07")');
  t.equal(verdict(edits(["kubernetesVersion: 1.37.1", "kubernetesVersion: 1.037.1"])), 'homelab.yaml:6:3 cluster.kubernetesVersion: must be a Kubernetes release like 1.37.1 (no leading v) (got "1.037.1")');
  t.equal(verdict(edits(["talosVersion: v1.14.7", "talosVersion: v1.14.0"])), "accepted", "a zero alone is a number");

  const copy = "copy it from the node's label, its firmware setup or talosctl get links";
  const mac = (value: string) => verdict(edits(['mac: "00:1e:06:45:0a:01"', `mac: "${value}"`]));
  t.equal(mac("ff:ff:ff:ff:ff:ff"), `homelab.yaml:29:5 nodes[0].mac: ff:ff:ff:ff:ff:ff is the broadcast address, not a network card's; ${copy}`);
  t.equal(mac("01:00:5e:00:00:fb"), `homelab.yaml:29:5 nodes[0].mac: 01:00:5e:00:00:fb is a multicast address (the lowest bit of its first octet, 01, is set), so no network card has it; ${copy}`);
  t.equal(mac("33:33:00:00:00:01"), `homelab.yaml:29:5 nodes[0].mac: 33:33:00:00:00:01 is a multicast address (the lowest bit of its first octet, 33, is set), so no network card has it; ${copy}`);
  t.equal(mac("02:00:00:00:00:01"), "accepted", "a locally administered unicast MAC (a VM's) is a card's");

  const maintenance = (address: string) => verdict(edits(["installDisk: /dev/nvme0n1", `installDisk: /dev/nvme0n1\n    maintenanceAddress: ${address}`]));
  t.equal(
    maintenance("10.0.0.2"),
    "homelab.yaml:31:5 nodes[0].maintenanceAddress: 10.0.0.2 is the node's own address, which it takes only once configured; in maintenance mode it answers on its DHCP lease (shown on its console and in the router's lease list)",
  );
  t.equal(
    maintenance("10.0.0.50"),
    "homelab.yaml:31:5 nodes[0].maintenanceAddress: 10.0.0.50 is outside the DHCP range 10.0.0.100-10.0.0.249; in maintenance mode the node answers on the lease the router gave it, which comes from that range",
  );
  t.equal(maintenance("10.0.0.150"), "accepted", "a lease from the range");
});
