// `up.mjs --local`: the declared cluster as Docker containers on this machine, for trying hangar
// without hardware. Node-specific patches (disks, links, addresses) do not apply to containers;
// the cluster-wide ones do, and the add-ons' LAN addresses move into the Docker network.
import { join } from "node:path";
import type { Homelab } from "../homelab/schema.ts";
import { formatIPv4, parseCIDR, parseIPv4, parsePoolEntry, type Span } from "../net/ipv4.ts";
import { controlPlanes, workers } from "./cluster.ts";
import { clientVersion, commandLine, type TalosctlCommand } from "./commands.ts";
import { talosctlProblem } from "./decide.ts";
import { patchPaths, type PatchPaths } from "./layout.ts";
import { versionTag } from "./observe.ts";
import { controlPlaneDocuments, renderPatch } from "./patches.ts";
import { chooseContract } from "./contract.ts";
import { ensurePrivateDir, makePrivate, writePrivateFileIfChanged } from "./state-files.ts";
import { lastLine, type Talosctl } from "./talosctl.ts";

/** talosctl's default Docker network: gateway .1, the control plane .2, workers after it. */
export const dockerSubnet = "10.5.0.0/24";
const dockerBase = parseCIDR(dockerSubnet)!.first;

export interface LocalLayout {
  dir: string;
  talosconfig: string;
  kubeconfig: string;
  patches: PatchPaths;
}

export function localLayout(stateDir: string): LocalLayout {
  const dir = join(stateDir, "local");
  return { dir, talosconfig: join(dir, "talosconfig"), kubeconfig: join(dir, "kubeconfig"), patches: patchPaths(join(dir, "patches")) };
}

export function localNodeAddresses(homelab: Homelab): string[] {
  return Array.from({ length: 1 + workers(homelab).length }, (_, index) => formatIPv4(dockerBase + 2 + index));
}

const controlPlaneAddress = () => formatIPv4(dockerBase + 2);

function dockerClusterCommand(homelab: Homelab, layout: LocalLayout, controlPlanePatch: string | undefined): TalosctlCommand {
  const { cluster } = homelab;
  return {
    // cluster create saves its client config where TALOSCONFIG points.
    env: { TALOSCONFIG: layout.talosconfig },
    argv: [
      "cluster",
      "create",
      "docker",
      "--name",
      cluster.name,
      "--workers",
      String(workers(homelab).length),
      "--kubernetes-version",
      cluster.kubernetesVersion,
      "--image",
      `ghcr.io/siderolabs/talos:${cluster.talosVersion}`,
      ...(controlPlanePatch ? ["--config-patch-controlplanes", `@${controlPlanePatch}`] : []),
    ],
  };
}

const probe = (layout: LocalLayout): TalosctlCommand => ({
  argv: ["version", "--talosconfig", layout.talosconfig, "--nodes", controlPlaneAddress()],
});

const kubeconfig = (layout: LocalLayout): TalosctlCommand => ({
  argv: ["kubeconfig", layout.kubeconfig, "--talosconfig", layout.talosconfig, "--nodes", controlPlaneAddress(), "--merge=false", "--force"],
});

/**
 * Creates the Docker cluster unless it already answers; leaves its kubeconfig in the state folder.
 * Pass the localHomelab() form, whose announcements decide the control-plane patch.
 */
export async function ensureLocalCluster(
  homelab: Homelab,
  layout: LocalLayout,
  io: { talosctl: Talosctl; log: (line: string) => void },
): Promise<{ created: boolean }> {
  const step = async (command: TalosctlCommand, allowFailure = false) => {
    io.log(`$ ${commandLine(command)}`);
    const result = await io.talosctl(command, command.argv[0] === "cluster" ? { stream: (line) => io.log(`  ${line}`) } : {});
    if (result.code !== 0 && !allowFailure) throw new Error(`talosctl ${command.argv.slice(0, 2).join(" ")} failed: ${lastLine(result.stderr)}`);
    return result;
  };
  const problem = talosctlProblem(versionTag((await step(clientVersion())).stdout, "Client"), homelab.cluster.talosVersion);
  if (problem) throw new Error(problem);
  await ensurePrivateDir(layout.dir);
  // talosctl cluster create generates with its own (the declared) Talos minor as the contract.
  const documents = controlPlaneDocuments(homelab, chooseContract(homelab, undefined).contract);
  let patch: string | undefined;
  if (documents.length > 0) {
    patch = layout.patches.controlPlane;
    await writePrivateFileIfChanged(patch, renderPatch(documents));
  }
  const running = (await step(probe(layout), true)).code === 0;
  if (!running) await step(dockerClusterCommand(homelab, layout, patch));
  await makePrivate(layout.talosconfig);
  await step(kubeconfig(layout));
  await makePrivate(layout.kubeconfig);
  return { created: !running };
}

/**
 * The declaration as the Docker cluster sees it: one control plane and the workers at talosctl's
 * addresses, the add-ons' addresses moved into the Docker network keeping their last octet
 * (10.0.0.3 becomes 10.5.0.3), and announcements allowed from every node (the containers do not
 * carry the declared node names).
 */
export function localHomelab(homelab: Homelab): Homelab {
  const taken = new Set([formatIPv4(dockerBase + 1), ...localNodeAddresses(homelab)]);
  const move = (span: Span, what: string): Span => {
    if (Math.floor(span.first / 256) !== Math.floor(span.last / 256)) {
      throw new Error(`--local keeps each address's last octet, so ${what} must not cross a /24 boundary`);
    }
    const moved = { first: dockerBase + (span.first % 256), last: dockerBase + (span.last % 256) };
    for (let address = moved.first; address <= moved.last; address++) {
      if (taken.has(formatIPv4(address))) {
        throw new Error(`--local: ${what} would take ${formatIPv4(address)}, which a local Talos container uses; pick pool addresses above .${2 + localNodeAddresses(homelab).length}`);
      }
    }
    return moved;
  };
  const pools = homelab.addons.metallb.pools.map((pool) => ({
    ...pool,
    addresses: pool.addresses.map((entry) => {
      const span = move(parsePoolEntry(entry)!, `pool ${pool.name} (${entry})`);
      return entry.includes("/") ? `${formatIPv4(span.first)}/${entry.split("/")[1]}` : `${formatIPv4(span.first)}-${formatIPv4(span.last)}`;
    }),
  }));
  // Each declared entry point (ingress-nginx, the Gateway) moves with its address.
  const moveEntry = <T extends { address: string }>(entry: T, what: string): T => {
    const address = parseIPv4(entry.address)!;
    return { ...entry, address: formatIPv4(move({ first: address, last: address }, what).first) };
  };
  const { ingressNginx, gateway } = homelab.addons;
  const addresses = localNodeAddresses(homelab);
  const { vip: _vip, ...cluster } = homelab.cluster;
  const { dhcpRange: _dhcp, ...network } = homelab.network;
  return {
    ...homelab,
    cluster,
    network: { ...network, subnet: dockerSubnet, gateway: formatIPv4(dockerBase + 1) },
    // Docker gives one control plane and the declared number of workers.
    nodes: [controlPlanes(homelab)[0]!, ...workers(homelab)].map(({ mac: _mac, maintenanceAddress: _dhcpAddress, ...node }, index) => ({
      ...node,
      address: addresses[index]!,
    })),
    addons: {
      ...homelab.addons,
      metallb: {
        ...homelab.addons.metallb,
        pools,
        l2Advertisements: homelab.addons.metallb.l2Advertisements.map(({ nodes: _nodes, ...ad }) => ad),
      },
      ...(ingressNginx && { ingressNginx: moveEntry(ingressNginx, "the ingress address") }),
      ...(gateway && { gateway: moveEntry(gateway, "the gateway address") }),
    },
  };
}
