// Every talosctl patch, derived from the declaration: common (all nodes), control-plane only,
// worker only, and one per node. Strategic-merge YAML, one document per config kind.
import { stringify } from "yaml";
import type { Homelab, HomelabNode } from "../homelab/schema.ts";
import { announcesFromControlPlanes } from "../homelab/announce.ts";
import { workers } from "./cluster.ts";
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

export interface PatchOptions {
  /** Only needed when a node runs siderolabs/tailscale. */
  tailscaleAuthKey?: string;
}

export function talosPatches(homelab: Homelab, options: PatchOptions = {}): PatchSet {
  return {
    common: resolverDocuments(homelab),
    controlPlane: nonEmpty(controlPlaneFragment(homelab)),
    worker: [],
    nodes: homelab.nodes.map((node) => ({ node, documents: nodeDocuments(homelab, node, options) })),
  };
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

function nodeDocuments(homelab: Homelab, node: HomelabNode, options: PatchOptions): TalosDocument[] {
  const extensions = nodeExtensions(homelab, node);
  const modules = kernelModules(extensions);
  const machine: TalosDocument = {
    install: { disk: node.installDisk, image: installerImage(nodeSchematic(homelab, node).id, homelab.cluster.talosVersion) },
    ...(modules.length > 0 && { kernel: { modules } }),
  };
  return [{ machine }, ...nodeNetworkDocuments(homelab, node), ...extensionServiceDocuments(extensions, options.tailscaleAuthKey)];
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
