// The shape of homelab.yaml. The same schema is published as homelab.schema.json for editors
// and validated with ajv; semantic checks (addresses, ranges, references) live in checks.ts.
import { Type, type Static, type TSchema, type ObjectOptions } from "@sinclair/typebox";

/** Strict object: unknown keys are typos until proven otherwise. */
const Strict = <T extends Record<string, TSchema>>(properties: T, options: ObjectOptions = {}) =>
  Type.Object(properties, { additionalProperties: false, ...options });

const ipv4Pattern = "^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$";
const IPv4 = Type.String({ pattern: ipv4Pattern, "x-hint": "an IPv4 address like 10.0.0.2" });
const CIDR = Type.String({
  pattern: ipv4Pattern.slice(0, -1) + "/(3[0-2]|[12]?\\d)$",
  "x-hint": "an IPv4 network in CIDR form like 10.0.0.0/24",
});
const DNSLabel = Type.String({
  pattern: "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$",
  "x-hint": "a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
});
const PoolRange = Type.String({
  pattern: "^[0-9./-]+$",
  "x-hint": "a CIDR like 10.0.0.3/32 or a range like 10.0.0.3-10.0.0.5",
});

// MAJOR.MINOR.PATCH as releases are tagged: a leading zero (v01.014.7) names no release, yet
// would be written into image and ISO URLs.
const number = "(0|[1-9]\\d*)";
const release = `${number}\\.${number}\\.${number}`;

const Extension = Type.String({ pattern: "^[a-z0-9-]+/[a-z0-9-]+$", "x-hint": "an Image Factory extension like siderolabs/zfs" });
const Extensions = (description: string) => Type.Array(Extension, { uniqueItems: true, description });

export const NodeSchema = Strict({
  name: DNSLabel,
  role: Type.Union([Type.Literal("controlplane"), Type.Literal("worker")], {
    "x-hint": "controlplane or worker",
  }),
  address: IPv4,
  description: Type.Optional(Type.String()),
  interface: Type.Optional(
    Type.String({ minLength: 1, description: "Link name, e.g. enp1s0 (talosctl get links). Required unless `mac` is declared: then the link with that MAC." }),
  ),
  mac: Type.Optional(
    Type.String({
      pattern: "^([0-9a-f]{2}:){5}[0-9a-f]{2}$",
      "x-hint": "a lower-case MAC address like 00:1e:06:45:12:34",
      description: "The node's MAC address: how up.mjs finds it in the DHCP range while it runs from the ISO (maintenance mode).",
    }),
  ),
  installDisk: Type.String({ pattern: "^/dev/[A-Za-z0-9/_-]+$", "x-hint": "a device path like /dev/nvme0n1" }),
  maintenanceAddress: Type.Optional({ ...IPv4, description: "Where the node answers in maintenance mode (its DHCP lease), when its mac cannot be scanned for." }),
  extensions: Type.Optional(Extensions("This node's extensions, replacing cluster.extensions for it (e.g. GPU firmware on one board).")),
});

export const PoolSchema = Strict({
  name: DNSLabel,
  addresses: Type.Array(PoolRange, { minItems: 1 }),
  autoAssign: Type.Optional(Type.Boolean()),
  avoidBuggyIPs: Type.Optional(Type.Boolean()),
});

export const L2AdvertisementSchema = Strict({
  name: DNSLabel,
  pools: Type.Optional(Type.Array(DNSLabel, { description: "Pools to announce; all pools when absent." })),
  nodes: Type.Optional(Type.Array(DNSLabel, { description: "Nodes allowed to announce; all when absent." })),
  interfaces: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
});

export const HomelabSchema = Strict(
  {
    cluster: Strict({
      name: DNSLabel,
      talosVersion: Type.String({ pattern: `^v${release}$`, "x-hint": "a Talos release like v1.14.7" }),
      kubernetesVersion: Type.String({ pattern: `^${release}$`, "x-hint": "a Kubernetes release like 1.37.1 (no leading v)" }),
      vip: Type.Optional(IPv4),
      configContract: Type.Optional(
        Type.String({
          pattern: `^v${number}\\.${number}$`,
          "x-hint": "a Talos config contract like v1.14",
          description:
            "Opt into a newer machine-configuration contract (gen config --talos-version). Default: the contract the cluster was first installed with, kept across upgrades (recorded in .hangar/config-contract).",
        }),
      ),
      extensions: Type.Optional(Extensions("Image Factory extensions installed on every node, e.g. siderolabs/zfs.")),
      extraKernelArgs: Type.Optional(
        Type.Array(
          Type.String({
            pattern: "^[A-Za-z][A-Za-z0-9_.,:=/+-]*$",
            "x-hint": "a kernel argument like net.ifnames=0 (letters, digits and _.,:=/+-)",
          }),
          { description: "Kernel arguments baked into the Image Factory schematic (installer and boot media)." },
        ),
      ),
    }),
    network: Strict({
      subnet: CIDR,
      gateway: IPv4,
      nameservers: Type.Optional(Type.Array(IPv4, { minItems: 1 })),
      dhcpRange: Type.Optional(Strict({ start: IPv4, end: IPv4 })),
    }),
    nodes: Type.Array(NodeSchema, { minItems: 1 }),
    addons: Strict({
      metallb: Strict({
        logLevel: Type.Optional(
          Type.Union(["all", "debug", "info", "warn", "error", "none"].map((level) => Type.Literal(level)), {
            "x-hint": "one of all, debug, info, warn, error, none",
          }),
        ),
        pools: Type.Array(PoolSchema, { minItems: 1 }),
        l2Advertisements: Type.Array(L2AdvertisementSchema, { minItems: 1 }),
      }),
      ingressNginx: Type.Optional(
        Strict({
          address: IPv4,
          pool: Type.Optional(DNSLabel),
          defaultClass: Type.Optional(Type.Boolean()),
          replicas: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
        }),
      ),
      gateway: Type.Optional(
        Strict(
          {
            address: IPv4,
            pool: Type.Optional(DNSLabel),
            certificateSecret: Type.Optional(
              Type.String({
                pattern: "^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$",
                description: "A kubernetes.io/tls Secret in envoy-gateway-system; adds an HTTPS listener on 443.",
                "x-hint": "a Secret name like wildcard-tls",
              }),
            ),
            logLevel: Type.Optional(
              Type.Union(["debug", "info", "warn", "error"].map((level) => Type.Literal(level)), { "x-hint": "one of debug, info, warn, error" }),
            ),
          },
          { description: "Envoy Gateway and one Gateway API entry point on a LAN address (HTTP on 80, HTTPS on 443 with certificateSecret)." },
        ),
      ),
    }),
  },
  { title: "hangar homelab declaration" },
);

export type Homelab = Static<typeof HomelabSchema>;
export type HomelabNode = Static<typeof NodeSchema>;
export type AddressPool = Static<typeof PoolSchema>;
export type L2Advertisement = Static<typeof L2AdvertisementSchema>;
