// Envoy Gateway v1.9.0, as its release install.yaml installs it, staged so that nothing is
// applied before what it needs (where Helm relies on hooks and retries):
//   1. the namespace and the CRDs (Established first), then the safe-upgrades policy;
//   2. accounts, RBAC, configuration, the Service and the topology injector's webhook
//      configuration (certgen patches its CA, so it must exist; failurePolicy Ignore);
//   3. the certgen Job, which writes the TLS Secrets;
//   4. the controller, which mounts them. The applier then waits for the webhook gate: the CA
//      injected and the Service answering from a ready endpoint.
import type { Flight, Release, Resource, Stages } from "../../lib/flight/contract.ts";
import { Fields } from "../../lib/flight/fields.ts";
import { crds, crdsJsonPieces, safeUpgrades } from "./crds.ts";
import { rbac } from "./rbac.ts";
import { configMap, deployment, service } from "./controller.ts";
import { certgenJob } from "./certgen.ts";
import { topologyInjector } from "./webhook.ts";

export interface EnvoyGatewayInput {
  logLevel: string;
  replicas: number;
}

function parse(raw: unknown): EnvoyGatewayInput {
  const root = Fields.root(raw);
  const input = {
    logLevel: root.string("logLevel", { default: "info", oneOf: ["debug", "info", "warn", "error"] }),
    replicas: root.integer("replicas", 1, 1, 10),
  };
  root.done();
  return input;
}

function stages(input: EnvoyGatewayInput, namespace: string, customResourceDefinitions: Resource[]): Stages {
  return [
    [{ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } }, ...customResourceDefinitions, ...safeUpgrades()],
    [...rbac(namespace), configMap(namespace, input.logLevel), service(namespace), topologyInjector(namespace)],
    [certgenJob(namespace)],
    [deployment(namespace, input.replicas)],
  ];
}

const render = (input: EnvoyGatewayInput, release: Release): Stages => stages(input, release.namespace, crds());

/** render() serialised, the CRDs spliced in as the JSON text they are embedded as: never parsed. */
function renderJson(input: EnvoyGatewayInput, release: Release): string[] {
  const [[namespace, ...policies], ...later] = stages(input, release.namespace, []) as [Resource[], ...Stages];
  const afterCrds = policies.map((policy) => `,${JSON.stringify(policy)}`).join("") + "]" + later.map((stage) => `,${JSON.stringify(stage)}`).join("");
  return [`[[${JSON.stringify(namespace)},`, ...crdsJsonPieces(), `${afterCrds}]`];
}

export const envoyGateway: Flight<EnvoyGatewayInput> = {
  name: "envoy-gateway",
  namespace: "envoy-gateway-system",
  // Nothing it runs needs MetalLB: the Gateways it serves (the gateway flight) wait for the pool.
  needs: [],
  parse,
  render,
  // Compact JSON, 2.1 MB (4.1 MB indented): the CRDs are for yoke and the API server, not for reading.
  renderJson,
};
