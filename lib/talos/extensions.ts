// What an extension needs besides being in the schematic: ZFS its kernel module, Tailscale its
// service configuration with an auth key that never comes from homelab.yaml.
import type { TalosDocument } from "./network.ts";

export const zfsExtension = "siderolabs/zfs";
export const tailscaleExtension = "siderolabs/tailscale";

export function kernelModules(extensions: readonly string[]): { name: string }[] {
  return extensions.includes(zfsExtension) ? [{ name: "zfs" }] : [];
}

export function extensionServiceDocuments(extensions: readonly string[], tailscaleAuthKey: string | undefined): TalosDocument[] {
  if (!extensions.includes(tailscaleExtension)) return [];
  if (tailscaleAuthKey === undefined) throw new MissingTailscaleKey();
  return [
    {
      apiVersion: "v1alpha1",
      kind: "ExtensionServiceConfig",
      name: "tailscale",
      // Auth once: the node keeps its identity in /var/lib/tailscale, so a reused or expired key is harmless.
      environment: [`TS_AUTHKEY=${tailscaleAuthKey}`, "TS_AUTH_ONCE=true"],
    },
  ];
}

export class MissingTailscaleKey extends Error {
  constructor() {
    super(
      `${tailscaleExtension} needs an auth key: set HANGAR_TAILSCALE_AUTHKEY or write it to .hangar/tailscale-authkey (never to homelab.yaml)`,
    );
    this.name = "MissingTailscaleKey";
  }
}
