// Every talosctl patch, derived from the declaration: common (all nodes), control-plane only,
// worker only, and one per node. Strategic-merge YAML, one document per config kind.
import { stringify } from "yaml";
import type { Homelab, HomelabNode } from "../homelab/schema.ts";
import { announcesFromControlPlanes } from "../homelab/announce.ts";
import { workers } from "./cluster.ts";
import { contractOf, usesKubeDocuments, type Contract } from "./contract.ts";
import { extensionServiceDocuments, kernelModules, tailscaleExtension } from "./extensions.ts";
import { nodeNetworkDocuments, resolverDocuments, type TalosDocument } from "./network.ts";
import { installerImage, nodeExtensions, nodeSchematic } from "./schematic.ts";

export interface PatchSet {
  common: TalosDocument[];
  controlPlane: TalosDocument[];
  worker: TalosDocument[];
  nodes: { node: HomelabNode; documents: TalosDocument[] }[];
}

export const excludeFromLoadBalancersLabel = "node.kubernetes.io/exclude-from-external-load-balancers";

export const controlPlaneTaint = "node-role.kubernetes.io/control-plane";

export interface PatchOptions {
  /** Only needed when a node runs siderolabs/tailscale. */
  tailscaleAuthKey?: string;
  /** The config contract in force (default: the declared Talos minor, as on a fresh install). */
  contract?: Contract;
}

/**
 * The patches for the contract in force: up to v1.13 the v1alpha1 fields; from v1.14 the
 * documents that replace them (KubeNodeConfig, UnattendedInstall, KernelModuleConfig). Never
 * both: Talos rejects a deprecated field beside its document.
 */
export function talosPatches(homelab: Homelab, options: PatchOptions = {}): PatchSet {
  const contract = options.contract ?? contractOf(homelab.cluster.talosVersion);
  return {
    common: resolverDocuments(homelab),
    controlPlane: controlPlaneDocuments(homelab, contract),
    worker: [],
    nodes: homelab.nodes.map((node) => ({ node, documents: nodeDocuments(homelab, node, options, contract) })),
  };
}

export function controlPlaneDocuments(homelab: Homelab, contract: Contract): TalosDocument[] {
  if (!usesKubeDocuments(contract)) return nonEmpty(controlPlaneFragment(homelab));
  // v1.14: gen config puts the control-plane NoSchedule taint and the exclude label in
  // KubeNodeConfig; the single-node presets delete them there (same "lookup failed" rule).
  const taints = workers(homelab).length === 0 ? { [controlPlaneTaint]: { $patch: "delete" } } : undefined;
  const labels = announcesFromControlPlanes(homelab) ? { [excludeFromLoadBalancersLabel]: { $patch: "delete" } } : undefined;
  if (!taints && !labels) return [];
  return [{ apiVersion: "v1alpha1", kind: "KubeNodeConfig", ...(labels && { labels }), ...(taints && { taints }) }];
}

/**
 * Scheduling on control planes when there is nowhere else to run pods, and the label that makes
 * MetalLB skip control planes removed when they must announce. The delete lives here only: on a
 * worker config the label is absent and deleting it fails with "lookup failed".
 */
export function controlPlaneFragment(homelab: Homelab): TalosDocument {
  const fragment: TalosDocument = {};
  if (workers(homelab).length === 0) fragment.cluster = { allowSchedulingOnControlPlanes: true };
  if (announcesFromControlPlanes(homelab)) {
    fragment.machine = { nodeLabels: { [excludeFromLoadBalancersLabel]: { $patch: "delete" } } };
  }
  return fragment;
}

function nodeDocuments(homelab: Homelab, node: HomelabNode, options: PatchOptions, contract: Contract): TalosDocument[] {
  const extensions = nodeExtensions(homelab, node);
  const modules = kernelModules(extensions);
  const image = installerImage(nodeSchematic(homelab, node).id, homelab.cluster.talosVersion);
  const network = nodeNetworkDocuments(homelab, node);
  const services = extensionServiceDocuments(extensions, options.tailscaleAuthKey);
  if (usesKubeDocuments(contract)) {
    const install: TalosDocument = {
      apiVersion: "v1alpha1",
      // The kind gen config emits at v1.14 (the rc.1 schema says "UnattendedInstall"; machinery registers this).
      kind: "UnattendedInstallConfig",
      installer: { image },
      provisioning: { diskSelector: { match: `disk.dev_path == "${node.installDisk}"` } },
    };
    const moduleDocuments = modules.map((module) => ({ apiVersion: "v1alpha1", kind: "KernelModuleConfig", name: module.name }));
    return [install, ...moduleDocuments, ...network, ...services];
  }
  const machine: TalosDocument = {
    install: { disk: node.installDisk, image },
    ...(modules.length > 0 && { kernel: { modules } }),
  };
  return [{ machine }, ...network, ...services];
}

function nonEmpty(document: TalosDocument): TalosDocument[] {
  return Object.keys(document).length > 0 ? [document] : [];
}

/** One patch file: its documents as multi-document YAML (never folded, so values stay greppable). */
export function renderPatch(documents: readonly TalosDocument[]): string {
  return documents.map((document) => stringify(document, { lineWidth: 0 })).join("---\n");
}

/** True when some node needs the Tailscale auth key. */
export function needsTailscaleKey(homelab: Homelab): boolean {
  return homelab.nodes.some((node) => nodeExtensions(homelab, node).includes(tailscaleExtension));
}
