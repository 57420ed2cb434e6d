// homelab.yaml -> the metallb flight's input.
import type { Homelab } from "../../lib/homelab/schema.ts";
import { announcesFromControlPlanes } from "../../lib/homelab/announce.ts";

export function metallbInputFrom(homelab: Homelab) {
  return {
    logLevel: homelab.addons.metallb.logLevel ?? "info",
    announceFromControlPlanes: announcesFromControlPlanes(homelab),
  };
}
