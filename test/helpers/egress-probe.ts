// Run by test/real-apiserver-egress.test.ts inside a network namespace of its own: a real
// kube-apiserver asked to call a webhook whose Service has a ready endpoint prints where it dialled.
import { readFileSync } from "node:fs";
import { KubeClient } from "../../lib/kube/client.ts";
import { startRealApiServer } from "./real-apiserver.ts";

const server = await startRealApiServer();
try {
  const client = await KubeClient.create({ kubeconfig: server.kubeconfig, retry: { attempts: 1, baseMs: 1, maxMs: 1 } });
  const apply = (path: string, body: object) =>
    client.json("PATCH", path, { query: { fieldManager: "probe", force: "true" }, body: JSON.stringify(body), contentType: "application/apply-patch+yaml" });
  await apply("/api/v1/namespaces/probe", { apiVersion: "v1", kind: "Namespace", metadata: { name: "probe" } });
  await apply("/api/v1/namespaces/probe/services/hook", { apiVersion: "v1", kind: "Service", metadata: { name: "hook", namespace: "probe" }, spec: { ports: [{ port: 443, targetPort: 9443 }], selector: { app: "hook" } } });
  await apply("/apis/discovery.k8s.io/v1/namespaces/probe/endpointslices/hook", {
    apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice",
    metadata: { name: "hook", namespace: "probe", labels: { "kubernetes.io/service-name": "hook" } },
    addressType: "IPv4", endpoints: [{ addresses: ["192.0.2.10"], conditions: { ready: true } }], ports: [{ name: "", port: 9443, protocol: "TCP" }],
  });
  await apply("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/probe", {
    apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration", metadata: { name: "probe" },
    webhooks: [{
      name: "probe.hangar.test", admissionReviewVersions: ["v1"], sideEffects: "None", failurePolicy: "Fail",
      clientConfig: { service: { name: "hook", namespace: "probe", port: 443 }, caBundle: readFileSync(server.caFile).toString("base64") },
      rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["configmaps"] }],
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "probe" } },
    }],
  });
  // The server takes up a new webhook configuration asynchronously (an informer): until it has,
  // creates are admitted without a call. Create until one is refused, for at most 30 s.
  const deadline = Date.now() + 30_000;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    await apply(`/api/v1/namespaces/probe/configmaps/x${attempt}`, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: `x${attempt}`, namespace: "probe" } });
    await new Promise((resolve) => setTimeout(resolve, Math.min(10 * 2 ** attempt, 500)));
  }
  console.log("accepted");
} catch (error) {
  console.log((error as Error).message);
} finally {
  await server.close();
}
