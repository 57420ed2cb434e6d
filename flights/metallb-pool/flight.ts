// The MetalLB address pools and L2 advertisements of the homelab. Needs the metallb flight:
// these objects go through MetalLB's validating webhook, which must be serving first.
import { InputError, type Flight, type Resource, type Stages } from "../../lib/flight/contract.ts";
import { Fields, formats } from "../../lib/flight/fields.ts";
import { advertisementProblems, poolProblems, type ItemProblem } from "../../lib/homelab/rules.ts";

// Kubernetes label values (a node's hostname, here): at most 63 characters of [A-Za-z0-9_.-],
// starting and ending with a letter or digit.
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

export interface PoolInput {
  name: string;
  addresses: string[];
  autoAssign: boolean;
  avoidBuggyIPs: boolean;
}

export interface L2AdvertisementInput {
  name: string;
  ipAddressPools: string[];
  /** Each entry selects nodes by labels; an empty list means every node may announce. */
  nodeSelectors: Record<string, string>[];
  interfaces: string[];
}

export interface MetallbPoolInput {
  pools: PoolInput[];
  l2Advertisements: L2AdvertisementInput[];
}

function parse(raw: unknown): MetallbPoolInput {
  const root = Fields.root(raw);
  const input: MetallbPoolInput = {
    pools: root.objects(
      "pools",
      (pool) => ({
        name: pool.string("name", formats.dns1123Label),
        addresses: pool.strings("addresses", 1, {
          pattern: /^[0-9.]+(\/\d{1,2}|-[0-9.]+)$/,
          describe: "a CIDR like 10.0.0.3/32 or a range like 10.0.0.3-10.0.0.5",
        }),
        autoAssign: pool.boolean("autoAssign", true),
        avoidBuggyIPs: pool.boolean("avoidBuggyIPs", false),
      }),
      1,
    ),
    l2Advertisements: root.objects("l2Advertisements", (ad) => ({
      name: ad.string("name", formats.dns1123Label),
      ipAddressPools: ad.strings("ipAddressPools", 0, formats.dns1123Label),
      nodeSelectors: ad.objects("nodeSelectors", (selector) => {
        const labels = selector.stringMap("matchLabels");
        for (const [key, value] of Object.entries(labels)) {
          if (!labelValue.test(value)) throw new InputError(`${selector.at("matchLabels")}.${key}`, `must be a Kubernetes label value (got "${value}")`);
        }
        return labels;
      }),
      interfaces: ad.strings("interfaces"),
    })),
  };
  root.done();
  // The same semantic checks homelab.yaml gets (lib/homelab/rules.ts), for input given directly.
  const at = (list: string, problem: ItemProblem) => `${list}[${problem.index}].${problem.field}${problem.entry === undefined ? "" : `[${problem.entry}]`}`;
  const pools = poolProblems(input.pools).map((problem) => new InputError(at("pools", problem), problem.message));
  const ads = advertisementProblems(
    input.l2Advertisements.map((ad) => ({ name: ad.name, pools: ad.ipAddressPools, interfaces: ad.interfaces })),
    input.pools.map((pool) => pool.name),
    "ipAddressPools",
  ).map((problem) => new InputError(at("l2Advertisements", problem), problem.message));
  const first = [...pools, ...ads][0];
  if (first) throw first;
  return input;
}

function render(input: MetallbPoolInput, release: { namespace: string }): Stages {
  const meta = (name: string) => ({ name, namespace: release.namespace });
  const pools: Resource[] = input.pools.map((pool) => ({
    apiVersion: "metallb.io/v1beta1",
    kind: "IPAddressPool",
    metadata: meta(pool.name),
    spec: { addresses: pool.addresses, autoAssign: pool.autoAssign, avoidBuggyIPs: pool.avoidBuggyIPs },
  }));
  const advertisements: Resource[] = input.l2Advertisements.map((ad) => ({
    apiVersion: "metallb.io/v1beta1",
    kind: "L2Advertisement",
    metadata: meta(ad.name),
    spec: {
      ...(ad.ipAddressPools.length > 0 && { ipAddressPools: ad.ipAddressPools }),
      ...(ad.nodeSelectors.length > 0 && { nodeSelectors: ad.nodeSelectors.map((matchLabels) => ({ matchLabels })) }),
      ...(ad.interfaces.length > 0 && { interfaces: ad.interfaces }),
    },
  }));
  return [[...pools, ...advertisements]];
}

export const metallbPool: Flight<MetallbPoolInput> = {
  name: "metallb-pool",
  namespace: "metallb-system",
  needs: ["metallb"],
  parse,
  render,
};
