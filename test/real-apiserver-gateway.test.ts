// Envoy Gateway's objects and the homelab Gateway against a real kube-apiserver v1.37 (no
// controllers): the 21 CRDs embedded as compact data are accepted and Established, kubectl
// explain shows their descriptions, the safe-upgrades policy's CEL compiles, and every other
// object, the Gateway included, passes the server's own validation (OpenAPI schemas and CEL rules
// of the CRDs) in a server-side dry run.
import t from "tap";
import { envoyGateway } from "../flights/envoy-gateway/flight.ts";
import { gateway } from "../flights/gateway/flight.ts";
import type { Resource } from "../lib/flight/contract.ts";
import { Discovery, objectPath } from "../lib/kube/discovery.ts";
import { readiness } from "../lib/kube/readiness.ts";
import { waitUntilReady } from "../lib/kube/wait.ts";
import { ApiRequestError } from "../lib/kube/retry.ts";
import { KubeClient } from "../lib/kube/client.ts";
import { startRealApiServer } from "./helpers/real-apiserver.ts";
import { kubectlExplain, normalised } from "./helpers/kubectl-explain.ts";

interface Schema {
  description?: string;
  properties?: Record<string, Schema>;
}

const namespace = "envoy-gateway-system";
const release = { name: "envoy-gateway", namespace };
const [first, ...later] = envoyGateway.render(envoyGateway.parse({}), release);

async function apply(client: KubeClient, discovery: Discovery, resource: Resource, dryRun: boolean) {
  const info = await discovery.find(resource.apiVersion, resource.kind);
  if (!info) throw new Error(`the API serves no ${resource.apiVersion} ${resource.kind}`);
  return client.json("PATCH", objectPath(info, resource.metadata.namespace, resource.metadata.name), {
    query: { fieldManager: "hangar-test", force: "true", dryRun: dryRun ? "All" : undefined },
    body: JSON.stringify(resource),
    contentType: "application/apply-patch+yaml",
  });
}

t.test("against a real API server", async (t) => {
  const server = await startRealApiServer();
  t.teardown(server.close);
  const client = await KubeClient.create({ kubeconfig: server.kubeconfig });
  const discovery = new Discovery(client);

  await t.test("the CRDs and the namespace are created and Established, then the admission policy", async (t) => {
    const crds = first!.filter((resource) => resource.kind === "CustomResourceDefinition");
    t.equal(crds.length, 21);
    for (const resource of first!.filter((r) => r.kind === "Namespace" || r.kind === "CustomResourceDefinition")) await apply(client, discovery, resource, false);
    const crdInfo = (await discovery.find("apiextensions.k8s.io/v1", "CustomResourceDefinition"))!;
    await Promise.all(
      crds.map((crd) =>
        waitUntilReady(client, { info: crdInfo, namespace: undefined, name: crd.metadata.name, what: crd.metadata.name, check: (object) => readiness("CustomResourceDefinition", object) }, AbortSignal.timeout(60_000)),
      ),
    );
    for (const crd of crds) for (const version of (crd.spec as { versions: { name: string }[] }).versions) discovery.forget(`${(crd.spec as { group: string }).group}/${version.name}`);
    for (const resource of first!.filter((r) => r.kind.startsWith("ValidatingAdmissionPolicy"))) {
      const created = await apply(client, discovery, resource, false);
      t.equal(created.metadata.name, "safe-upgrades.gateway.networking.k8s.io", `${resource.kind} accepted`);
    }
  });

  await t.test("kubectl explain answers with the descriptions the CRDs carry", async (t) => {
    const gateways = first!.find((resource) => resource.metadata.name === "gateways.gateway.networking.k8s.io")!;
    const v1 = (gateways.spec as { versions: { name: string; schema: { openAPIV3Schema: Schema } }[] }).versions.find((version) => version.name === "v1")!;
    const spec = v1.schema.openAPIV3Schema.properties!.spec!;
    const explained = normalised(await kubectlExplain(server.kubeconfig, "gateways.spec", "gateway.networking.k8s.io/v1"));
    for (const field of ["gatewayClassName", "listeners", "addresses"]) {
      const description = spec.properties![field]!.description!;
      t.ok(explained.includes(normalised(description)), `kubectl explain gateway.spec shows ${field}: ${description.split("\n")[0]}`);
    }
  });

  await t.test("every later object of envoy-gateway passes a server-side dry run", async (t) => {
    for (const resource of later.flat()) {
      const answer = await apply(client, discovery, resource, true);
      t.equal(answer.kind, resource.kind, `${resource.kind} ${resource.metadata.name}`);
    }
  });

  await t.test("the GatewayClass and the Gateway, with and without HTTPS, pass the Gateway API's own validation", async (t) => {
    for (const input of [{ address: "10.0.0.4", addressPool: "lan" }, { address: "10.0.0.4", certificateSecret: "wildcard-tls" }]) {
      for (const resource of gateway.render(gateway.parse(input), { name: "gateway", namespace }).flat()) {
        const answer = await apply(client, discovery, resource, true);
        t.equal(answer.kind, resource.kind, `${resource.kind} ${JSON.stringify(input)}`);
      }
    }
  });

  await t.test("the validation is real: TLS on the HTTP listener is refused by the Gateway API's CEL rules", async (t) => {
    const [, [homelab]] = gateway.render(gateway.parse({ address: "10.0.0.4" }), { name: "gateway", namespace }) as [unknown, [Resource]];
    const spec = homelab!.spec as { listeners: Record<string, unknown>[] };
    const tls = { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: "wildcard-tls" }] };
    const broken = { ...homelab!, spec: { ...spec, listeners: spec.listeners.map((listener) => ({ ...listener, tls })) } };
    const refused = await apply(client, discovery, broken, true).then(() => undefined, (error: unknown) => error);
    t.ok(refused instanceof ApiRequestError && refused.status === 422, `refused with 422: ${(refused as Error | undefined)?.message}`);
    t.match((refused as Error).message, /tls must not be specified for protocols \['HTTP', 'TCP', 'UDP'\]/);
  });
});
