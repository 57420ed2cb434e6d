// Readiness of the Gateway API objects and of a webhook Service's endpoints, as pure verdicts.
import t from "tap";
import { endpointsReady, readiness } from "../lib/kube/readiness.ts";

const gateway = (status: object, generation = 1) => ({
  apiVersion: "gateway.networking.k8s.io/v1",
  kind: "Gateway",
  metadata: { name: "homelab", namespace: "envoy-gateway-system", generation },
  spec: { infrastructure: { annotations: { "metallb.io/loadBalancerIPs": "10.0.0.4" } } },
  status,
});
const programmed = (status: string, reason: string, message: string, observedGeneration = 1) => ({ type: "Programmed", status, reason, message, observedGeneration });

t.test("a Gateway is ready when Programmed and holding the declared address", async (t) => {
  t.same(readiness("Gateway", gateway({ addresses: [{ type: "IPAddress", value: "10.0.0.4" }], conditions: [programmed("True", "Programmed", "Address assigned to the Gateway, 1/1 envoy Deployment replicas available")] })), {
    ready: true,
    observed: "Programmed True (Programmed: Address assigned to the Gateway, 1/1 envoy Deployment replicas available), addresses 10.0.0.4 (asked for 10.0.0.4)",
  });
  t.same(readiness("Gateway", gateway({ conditions: [programmed("False", "AddressNotAssigned", "No addresses have been assigned to the Gateway")] })), {
    ready: false,
    observed: "Programmed False (AddressNotAssigned: No addresses have been assigned to the Gateway), addresses none (asked for 10.0.0.4)",
  });
  t.notOk(readiness("Gateway", gateway({ addresses: [{ type: "IPAddress", value: "10.0.0.7" }], conditions: [programmed("True", "Programmed", "")] })).ready, "Programmed on another address is not done");
  t.notOk(readiness("Gateway", gateway({ addresses: [{ type: "IPAddress", value: "10.0.0.4" }], conditions: [programmed("True", "Programmed", "", 1)] }, 2)).ready, "a condition for an older generation says nothing");
  t.equal(readiness("Gateway", gateway({})).observed, "Programmed unset, addresses none (asked for 10.0.0.4)");
});

t.test("a GatewayClass is ready when Accepted", async (t) => {
  const gatewayClass = (conditions: object[]) => ({ kind: "GatewayClass", metadata: { name: "envoy-gateway", generation: 1 }, status: { conditions } });
  t.ok(readiness("GatewayClass", gatewayClass([{ type: "Accepted", status: "True", reason: "Accepted", message: "Valid GatewayClass" }])).ready);
  t.same(readiness("GatewayClass", gatewayClass([{ type: "Accepted", status: "False", reason: "InvalidParameters", message: "parametersRef not found" }])), { ready: false, observed: "Accepted False (InvalidParameters: parametersRef not found)" });
});

t.test("a Service answers once an EndpointSlice holds a ready endpoint", async (t) => {
  t.same(endpointsReady([]), { ready: false, observed: "no endpoints" });
  t.same(endpointsReady([{ endpoints: [] }]), { ready: false, observed: "no endpoints" });
  t.same(endpointsReady([{ endpoints: [{ conditions: { ready: false } }] }]), { ready: false, observed: "0 of 1 endpoints ready" });
  t.same(endpointsReady([{ endpoints: [{ conditions: { ready: false } }] }, { endpoints: [{ conditions: {} }] }]), { ready: true, observed: "1 of 2 endpoints ready" }, "unset means ready, as the API documents");
});
