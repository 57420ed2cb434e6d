// MetalLB's nine CustomResourceDefinitions (group metallb.io, all namespaced).
import type { Resource } from "../../lib/flight/contract.ts";
import { crdSchemas } from "./crd-schemas.ts";
import type { Schema } from "./schema-dsl.ts";

type Column = [name: string, type: string, jsonPath: string, priority?: number];

interface CrdVersion {
  name: string;
  storage: boolean;
  columns: Column[];
  deprecationWarning?: string;
}

interface CrdSpec {
  kind: string;
  plural: string;
  versions: CrdVersion[];
}

const v1beta1 = (columns: Column[] = []): CrdVersion => ({ name: "v1beta1", storage: true, columns });
const peerColumns: Column[] = [
  ["Address", "string", ".spec.peerAddress"],
  ["ASN", "string", ".spec.peerASN"],
  ["BFD Profile", "string", ".spec.bfdProfile"],
  ["Multi Hops", "string", ".spec.ebgpMultiHop"],
];
const statusColumns = (node: string): Column[] => [
  [node, "string", ".status.node"],
  ["Service Name", "string", ".status.serviceName"],
  ["Service Namespace", "string", ".status.serviceNamespace"],
];

const specs: CrdSpec[] = [
  {
    kind: "BFDProfile",
    plural: "bfdprofiles",
    versions: [
      v1beta1([
        ["Passive Mode", "boolean", ".spec.passiveMode"],
        ["Transmit Interval", "integer", ".spec.transmitInterval"],
        ["Receive Interval", "integer", ".spec.receiveInterval"],
        ["Multiplier", "integer", ".spec.detectMultiplier"],
      ]),
    ],
  },
  {
    kind: "BGPAdvertisement",
    plural: "bgpadvertisements",
    versions: [
      v1beta1([
        ["IPAddressPools", "string", ".spec.ipAddressPools"],
        ["IPAddressPool Selectors", "string", ".spec.ipAddressPoolSelectors"],
        ["Peers", "string", ".spec.peers"],
        ["Node Selectors", "string", ".spec.nodeSelectors", 10],
      ]),
    ],
  },
  {
    kind: "BGPPeer",
    plural: "bgppeers",
    versions: [
      { name: "v1beta1", storage: false, columns: peerColumns, deprecationWarning: "v1beta1 is deprecated, please use v1beta2" },
      { name: "v1beta2", storage: true, columns: peerColumns },
    ],
  },
  { kind: "Community", plural: "communities", versions: [v1beta1()] },
  {
    kind: "ConfigurationState",
    plural: "configurationstates",
    versions: [
      v1beta1([
        ["Result", "string", ".status.result"],
        ["ErrorSummary", "string", ".status.errorSummary"],
        ["Age", "date", ".metadata.creationTimestamp"],
      ]),
    ],
  },
  {
    kind: "IPAddressPool",
    plural: "ipaddresspools",
    versions: [
      v1beta1([
        ["Auto Assign", "boolean", ".spec.autoAssign"],
        ["Avoid Buggy IPs", "boolean", ".spec.avoidBuggyIPs"],
        ["Addresses", "string", ".spec.addresses"],
      ]),
    ],
  },
  {
    kind: "L2Advertisement",
    plural: "l2advertisements",
    versions: [
      v1beta1([
        ["IPAddressPools", "string", ".spec.ipAddressPools"],
        ["IPAddressPool Selectors", "string", ".spec.ipAddressPoolSelectors"],
        ["Interfaces", "string", ".spec.interfaces"],
        ["Node Selectors", "string", ".spec.nodeSelectors", 10],
      ]),
    ],
  },
  { kind: "ServiceBGPStatus", plural: "servicebgpstatuses", versions: [v1beta1(statusColumns("Node"))] },
  { kind: "ServiceL2Status", plural: "servicel2statuses", versions: [v1beta1(statusColumns("Allocated Node"))] },
];

/** bgppeers converts between v1beta1 and v1beta2 through the controller's webhook. */
function conversion(namespace: string) {
  return {
    strategy: "Webhook",
    webhook: {
      clientConfig: { service: { name: "metallb-webhook-service", namespace, path: "/convert" } },
      conversionReviewVersions: ["v1beta1", "v1beta2"],
    },
  };
}

export function crds(namespace: string): Resource[] {
  return specs.map(({ kind, plural, versions }) => {
    const name = `${plural}.metallb.io`;
    const schemas = crdSchemas[name as keyof typeof crdSchemas] as Record<string, Schema>;
    return {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name },
      spec: {
        ...(plural === "bgppeers" && { conversion: conversion(namespace) }),
        group: "metallb.io",
        names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
        scope: "Namespaced",
        versions: versions.map((version) => ({
          ...(version.columns.length > 0 && {
            additionalPrinterColumns: version.columns.map(([columnName, type, jsonPath, priority]) => ({
              jsonPath,
              name: columnName,
              ...(priority !== undefined && { priority }),
              type,
            })),
          }),
          ...(version.deprecationWarning && { deprecated: true, deprecationWarning: version.deprecationWarning }),
          name: version.name,
          schema: { openAPIV3Schema: schemas[version.name] },
          served: true,
          storage: version.storage,
          subresources: { status: {} },
        })),
      },
    };
  });
}
