// The state folder (.hangar/ beside homelab.yaml): secrets, client configs, rendered machine
// configs and patches. Everything in it is written 0600 and never printed.
import { join } from "node:path";
import type { HomelabNode } from "../homelab/schema.ts";

export interface StateLayout {
  dir: string;
  secrets: string;
  talosconfig: string;
  kubeconfig: string;
  controlPlaneConfig: string;
  workerConfig: string;
  /** gen config writes here first, so an interrupted run never leaves half a config in place. */
  generating: string;
  tailscaleAuthKey: string;
  /** The config contract the cluster was first installed with (see contract.ts). */
  contract: string;
  /** etcd snapshots taken before upgrades, the newest five kept. */
  snapshots: string;
  patches: PatchPaths;
}

export interface PatchPaths {
  dir: string;
  common: string;
  controlPlane: string;
  worker: string;
  node(node: HomelabNode): string;
}

export function patchPaths(dir: string): PatchPaths {
  return {
    dir,
    common: join(dir, "common.yaml"),
    controlPlane: join(dir, "controlplane.yaml"),
    worker: join(dir, "worker.yaml"),
    node: (node) => join(dir, `node-${node.name}.yaml`),
  };
}

export function stateLayout(dir: string): StateLayout {
  return {
    dir,
    secrets: join(dir, "secrets.yaml"),
    talosconfig: join(dir, "talosconfig"),
    kubeconfig: join(dir, "kubeconfig"),
    controlPlaneConfig: join(dir, "controlplane.yaml"),
    workerConfig: join(dir, "worker.yaml"),
    generating: join(dir, "generating"),
    tailscaleAuthKey: join(dir, "tailscale-authkey"),
    contract: join(dir, "config-contract"),
    snapshots: join(dir, "etcd-snapshots"),
    patches: patchPaths(join(dir, "patches")),
  };
}

/** The generated machine config a node is installed from. */
export function machineConfigFile(layout: StateLayout, node: HomelabNode): string {
  return node.role === "controlplane" ? layout.controlPlaneConfig : layout.workerConfig;
}
