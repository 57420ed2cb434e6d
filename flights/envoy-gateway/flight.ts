// Envoy Gateway v1.9.0, as its release install.yaml installs it, staged so that nothing is
// applied before what it needs (where Helm relies on hooks and retries):
//   1. the namespace and the CRDs (Established first), then the safe-upgrades policy;
//   2. accounts, RBAC, configuration, the Service and the topology injector's webhook
//      configuration (certgen patches its CA, so it must exist; failurePolicy Ignore);
//   3. the certgen Job, which writes the TLS Secrets;
//   4. the controller, which mounts them. The applier then waits for the webhook gate: the CA
//      injected and the Service answering from a ready endpoint.
import type { Flight, Stages } from "../../lib/flight/contract.ts";
import { Fields } from "../../lib/flight/fields.ts";
import { crds, safeUpgrades } from "./crds.ts";
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

function render(input: EnvoyGatewayInput, release: { namespace: string }): Stages {
  const { namespace } = release;
  return [
    [{ apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } }, ...crds(), ...safeUpgrades()],
    [...rbac(namespace), configMap(namespace, input.logLevel), service(namespace), topologyInjector(namespace)],
    [certgenJob(namespace)],
    [deployment(namespace, input.replicas)],
  ];
}

export const envoyGateway: Flight<EnvoyGatewayInput> = {
  name: "envoy-gateway",
  namespace: "envoy-gateway-system",
  // The Envoy Services it creates for Gateways take their address from the MetalLB pools.
  needs: ["metallb-pool"],
  // 2.3 MB indented, 0.6 MB compact: the CRDs are for yoke and the API server, not for reading.
  compactOutput: true,
  parse,
  render,
};
