// MetalLB's nine CustomResourceDefinitions (group metallb.io, all namespaced) as its release
// defines them, descriptions included, from the embedded data (scripts/crd-data.mjs).
import type { Resource } from "../../lib/flight/contract.ts";
import { expand } from "../../lib/flight/compact.ts";
import { crdData } from "./crd-data.ts";

type Conversion = { webhook?: { clientConfig?: { service?: { namespace: string } } } };

/** bgppeers converts between v1beta1 and v1beta2 through the controller's webhook, in the release namespace. */
export function crds(namespace: string): Resource[] {
  const definitions = JSON.parse(expand(crdData)) as Resource[];
  for (const crd of definitions) {
    const service = (crd.spec as { conversion?: Conversion }).conversion?.webhook?.clientConfig?.service;
    if (service) service.namespace = namespace;
  }
  return definitions;
}
