// The machine-configuration contract (`gen config --talos-version`): chosen when the cluster is
// first installed and kept, as Talos' reproducible-configuration guidance says. Upgrading Talos
// does not change it; the declaration can opt into a newer one (cluster.configContract).
import type { Homelab } from "../homelab/schema.ts";
import { compareMinor, minorOf } from "../homelab/versions.ts";

/** `v1.13`. */
export type Contract = string;

export function contractOf(talosVersion: string): Contract {
  return `v${minorOf(talosVersion)}`;
}

/**
 * From the v1.14 contract on, gen config emits the Kubernetes settings as documents
 * (KubeNodeConfig, ...) and the install settings as UnattendedInstall; the deprecated v1alpha1
 * fields must not be set beside them.
 */
export function usesKubeDocuments(contract: Contract): boolean {
  return compareMinor(minorOf(contract), "1.14") >= 0;
}

export interface ContractChoice {
  contract: Contract;
  /** True when the state folder must (re)record it. */
  record: boolean;
}

/**
 * The contract for this run. `recorded` is what the state folder holds (undefined on a fresh
 * install); a declared contract may move it forward, never back.
 */
export function chooseContract(homelab: Homelab, recorded: Contract | undefined): ContractChoice {
  const declared = homelab.cluster.configContract;
  if (declared) {
    if (recorded && compareMinor(minorOf(declared), minorOf(recorded)) < 0) {
      throw new Error(
        `cluster.configContract ${declared} is older than the contract this cluster was installed with (${recorded}); a contract only moves forward`,
      );
    }
    return { contract: declared, record: declared !== recorded };
  }
  if (recorded) return { contract: recorded, record: false };
  return { contract: contractOf(homelab.cluster.talosVersion), record: true };
}

/**
 * The contract of a cluster whose state folder predates the record: the one its generated
 * control-plane config shows (KubeNodeConfig only exists from v1.14 on), never newer than Talos.
 */
export function inferContract(controlPlaneConfig: string, talosVersion: string): Contract {
  const running = contractOf(talosVersion);
  if (/^kind: KubeNodeConfig$/m.test(controlPlaneConfig)) return running;
  return compareMinor(minorOf(running), "1.13") > 0 ? "v1.13" : running;
}

export function parseContract(text: string): Contract | undefined {
  const value = text.trim();
  return /^v\d+\.\d+$/.test(value) ? value : undefined;
}
