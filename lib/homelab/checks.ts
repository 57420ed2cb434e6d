// Semantic checks of a schema-valid declaration: the mistakes that cost an evening on a real
// LAN (a DHCP range over the ingress IP, a pool over the gateway, a typo in a node name).
import type { Homelab } from "./schema.ts";
import type { FieldPath, Problem } from "./problems.ts";
import { ownedSpans } from "./addresses.ts";
import { compareMinor, minorOf, checkedTalosCode, oldestSupportedTalos, supportedKubernetes, talosSupport } from "./versions.ts";
import {
  advertisementProblems,
  ifnamesProblem,
  interfaceNameProblem,
  macProblem,
  maintenanceAddressProblem,
  poolProblems,
  predictableNamesOff,
  subnetProblem,
  type ItemProblem,
} from "./rules.ts";
import {
  contains,
  formatIPv4,
  overlaps,
  parseCIDR,
  parseIPv4,
  parsePoolEntry,
  spanText,
  type Span,
} from "../net/ipv4.ts";

export function semanticProblems(homelab: Homelab): Problem[] {
  const problems: Problem[] = [];
  const add = (path: FieldPath, message: string, warning = false) => problems.push({ path, message, warning });
  const subnet = parseCIDR(homelab.network.subnet);
  if (!subnet) return problems;
  const subnetText = homelab.network.subnet;
  const badSubnet = subnetProblem(subnetText);
  if (badSubnet) {
    add(["network", "subnet"], badSubnet);
    // Every other address check would measure against a network that is not the LAN.
    if (subnet.prefix < 8 || subnet.prefix > 30) return problems;
  }
  const gateway = parseIPv4(homelab.network.gateway)!;
  const reserved = [
    { address: subnet.first, name: `the network address ${formatIPv4(subnet.first)}` },
    { address: subnet.last, name: `the broadcast address ${formatIPv4(subnet.last)}` },
  ];
  checkHost(gateway, ["network", "gateway"], "the gateway");

  const dhcp = dhcpSpan();
  checkPoolEntries();
  const owned = ownedSpans(homelab);
  for (const item of owned) {
    const entry = spanText(item.span);
    if (!contains(subnet, item.span.first) || !contains(subnet, item.span.last)) {
      add(item.path, `${entry} is outside the subnet ${subnetText}; use addresses inside it`);
      continue;
    }
    const verb = item.span.first === item.span.last ? "is" : "includes";
    for (const { address, name } of [...reserved, { address: gateway, name: `the gateway ${formatIPv4(gateway)}` }]) {
      if (contains(item.span, address)) add(item.path, `${entry} ${verb} ${name}; pick addresses that no other device uses`);
    }
    if (dhcp && overlaps(item.span, dhcp)) {
      add(
        item.path,
        `${entry} overlaps the DHCP range ${spanText(dhcp)}; the router may lease it to another device. Move it out of the range or shrink the range`,
      );
    }
  }
  owned.forEach((item, index) => {
    for (const other of owned.slice(0, index)) {
      if (overlaps(item.span, other.span)) {
        add(item.path, `${spanText(item.span)} is also claimed by ${other.owner}; every owned address must be distinct`);
      }
    }
  });

  checkNames();
  checkNodes();
  checkReferences();
  checkIngress();
  checkVersions();
  if (!homelab.network.dhcpRange) {
    add(
      ["network", "dhcpRange"],
      "is not declared, so hangar cannot check that the router never leases node, VIP or pool addresses; declare the router's DHCP range",
      true,
    );
  }
  return problems;

  function checkHost(address: number, path: FieldPath, what: string): void {
    if (!contains(subnet!, address)) add(path, `${what} ${formatIPv4(address)} is outside the subnet ${subnetText}`);
    for (const { address: special, name } of reserved) {
      if (address === special) add(path, `${what} cannot be ${name}`);
    }
  }

  function dhcpSpan(): Span | undefined {
    const range = homelab.network.dhcpRange;
    if (!range) return undefined;
    const first = parseIPv4(range.start)!;
    const last = parseIPv4(range.end)!;
    checkHost(first, ["network", "dhcpRange", "start"], "the DHCP range start");
    checkHost(last, ["network", "dhcpRange", "end"], "the DHCP range end");
    if (first > last) {
      add(["network", "dhcpRange", "end"], `${range.end} is before start ${range.start}: the range is reversed; swap start and end`);
      return undefined;
    }
    if (contains({ first, last }, gateway)) {
      add(["network", "gateway"], `${homelab.network.gateway} is inside the DHCP range ${spanText({ first, last })}; routers keep their own address out of it`);
    }
    return { first, last };
  }

  /** Pool and L2 advertisement rules shared with the metallb-pool flight's input checks (rules.ts). */
  function checkPoolEntries(): void {
    const { pools, l2Advertisements } = homelab.addons.metallb;
    const at = (base: string, problem: ItemProblem): FieldPath =>
      ["addons", "metallb", base, problem.index, problem.field, ...(problem.entry === undefined ? [] : [problem.entry])];
    for (const problem of poolProblems(pools)) add(at("pools", problem), problem.message);
    for (const problem of advertisementProblems(l2Advertisements, pools.map((pool) => pool.name), "pools")) add(at("l2Advertisements", problem), problem.message);
  }

  function checkNodes(): void {
    const ifnamesOff = predictableNamesOff(homelab.cluster.extraKernelArgs ?? []);
    homelab.nodes.forEach((node, index) => {
      const badInterface = node.interface === undefined ? undefined : interfaceNameProblem(node.interface) ?? ifnamesProblem(node.interface, ifnamesOff);
      if (badInterface) add(["nodes", index, "interface"], badInterface);
      const badMac = node.mac === undefined ? undefined : macProblem(node.mac);
      if (badMac) add(["nodes", index, "mac"], badMac);
      const badMaintenance = node.maintenanceAddress === undefined ? undefined : maintenanceAddressProblem(node.maintenanceAddress, homelab.network, node.address);
      if (badMaintenance) add(["nodes", index, "maintenanceAddress"], badMaintenance);
    });
    homelab.addons.metallb.l2Advertisements.forEach((ad, adIndex) =>
      (ad.interfaces ?? []).forEach((name, index) => {
        const renamed = ifnamesProblem(name, ifnamesOff);
        if (renamed) add(["addons", "metallb", "l2Advertisements", adIndex, "interfaces", index], renamed);
      }),
    );
  }

  function checkNames(): void {
    unique(homelab.nodes.map((node) => node.name), (index) => ["nodes", index, "name"], "node");
    unique(
      homelab.nodes.map((node) => node.mac ?? ""),
      (index) => ["nodes", index, "mac"],
      "MAC address",
    );
    homelab.nodes.forEach((node, index) => {
      if (!node.interface && !node.mac) {
        add(["nodes", index], `${node.name} declares neither interface nor mac; name its link (e.g. interface: enp1s0, see talosctl get links) or give its mac, since Talos names links predictably and hangar does not guess eth0`);
      }
    });
    if (!homelab.nodes.some((node) => node.role === "controlplane")) {
      add(["nodes"], "has no controlplane node; a cluster needs at least one (role: controlplane)");
    }
    if (homelab.cluster.vip && homelab.nodes.filter((node) => node.role === "controlplane").length < 2) {
      add(["cluster", "vip"], "is only useful with several control planes; remove it and the node's own address is the endpoint", true);
    }
  }

  function unique(values: string[], pathOf: (index: number) => FieldPath, what: string): void {
    values.forEach((value, index) => {
      if (value !== "" && values.indexOf(value) !== index) add(pathOf(index), `${what} "${value}" is declared twice`);
    });
  }

  function checkReferences(): void {
    const nodes = homelab.nodes.map((node) => node.name);
    homelab.addons.metallb.l2Advertisements.forEach((ad, adIndex) => {
      const base = ["addons", "metallb", "l2Advertisements", adIndex];
      (ad.nodes ?? []).forEach((node, index) => {
        if (!nodes.includes(node)) add([...base, "nodes", index], `names node "${node}", which is not declared (nodes: ${nodes.join(", ")})`);
      });
    });
  }

  /** Each declared entry point (ingressNginx, gateway) on its own address inside a pool. */
  function checkIngress(): void {
    const entryPoints = (["ingressNginx", "gateway"] as const).filter((key) => homelab.addons[key] !== undefined);
    if (entryPoints.length === 0) {
      add(["addons"], "declares no entry point (gateway or ingressNginx); nothing will answer on the LAN", true);
    }
    for (const key of entryPoints) checkEntryPoint(key, homelab.addons[key]!);
    const [first, second] = entryPoints.map((key) => homelab.addons[key]!.address);
    if (second !== undefined && first === second) {
      add(["addons", "gateway", "address"], `${second} is also the ingressNginx address; each entry point needs its own address (MetalLB gives one address to one Service)`);
    }
  }

  function checkEntryPoint(key: "ingressNginx" | "gateway", entry: { address: string; pool?: string }): void {
    const address = parseIPv4(entry.address)!;
    const pools = homelab.addons.metallb.pools;
    const path = ["addons", key, "address"];
    if (dhcp && contains(dhcp, address)) {
      add(path, `${entry.address} is inside the DHCP range ${spanText(dhcp)}; the router may lease it to another device. Use a pool address outside the range`);
    }
    if (entry.pool !== undefined) {
      const pool = pools.find((candidate) => candidate.name === entry.pool);
      if (!pool) {
        add(["addons", key, "pool"], `names pool "${entry.pool}", which is not declared (pools: ${pools.map((p) => p.name).join(", ")})`);
      } else if (!inPool(pool.addresses, address)) {
        add(path, `${entry.address} is not in pool ${pool.name} (${pool.addresses.join(", ")}); MetalLB would never assign it`);
      }
      return;
    }
    if (!pools.some((pool) => inPool(pool.addresses, address))) {
      add(path, `${entry.address} is in no MetalLB pool; add it to a pool's addresses or MetalLB will never assign it`);
    }
  }

  function checkVersions(): void {
    const support = talosSupport(homelab.cluster.talosVersion);
    if (!support) {
      const known = Object.keys(supportedKubernetes).map((minor) => `v${minor}`).join(", ");
      add(
        ["cluster", "talosVersion"],
        `Talos ${homelab.cluster.talosVersion} is older than hangar supports (v${oldestSupportedTalos} and newer; checked: ${known}); upgrade the cluster with talosctl first`,
      );
      return;
    }
    if (support.unchecked) {
      add(
        ["cluster", "talosVersion"],
        `Talos ${homelab.cluster.talosVersion} is newer than hangar knows (its checks ran against ${checkedTalosCode}); hangar runs it with the newest rules it knows. Read its release notes, and update hangar when a release covers it`,
        true,
      );
    }
    const kubeMinor = minorOf(homelab.cluster.kubernetesVersion);
    if (compareMinor(kubeMinor, support.oldest) < 0 || compareMinor(kubeMinor, support.newest) > 0) {
      add(
        ["cluster", "kubernetesVersion"],
        `Kubernetes ${homelab.cluster.kubernetesVersion} is not supported by Talos ${homelab.cluster.talosVersion} (supported: ${support.oldest}.x to ${support.newest}.x)`,
      );
    }
    const contract = homelab.cluster.configContract;
    if (contract && compareMinor(minorOf(contract), minorOf(homelab.cluster.talosVersion)) > 0) {
      add(["cluster", "configContract"], `${contract} is newer than cluster.talosVersion ${homelab.cluster.talosVersion}; a node cannot read a newer configuration contract`);
    }
    if (contract && compareMinor(minorOf(contract), oldestSupportedTalos) < 0) {
      add(["cluster", "configContract"], `${contract} is older than hangar supports (v${oldestSupportedTalos} and newer)`);
    }
  }
}

function inPool(entries: readonly string[], address: number): boolean {
  return entries.some((entry) => {
    const span = parsePoolEntry(entry);
    return span !== undefined && contains(span, address);
  });
}
