// The certgen Job: writes the control plane's TLS Secrets (envoy-gateway, envoy,
// envoy-rate-limit, envoy-oidc-hmac) and injects their CA into the topology injector's webhook
// configuration, which must therefore exist before it runs (envoyproxy/gateway
// internal/cmd/certgen.go: it fails with "failed to get mutating webhook configuration").
import type { Resource } from "../../lib/flight/contract.ts";
import { gatewayImage, labels, namespaceEnv, prefix, restrictedContainer, restrictedPod } from "./meta.ts";

export function certgenJob(namespace: string): Resource {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { labels, name: `${prefix}-certgen`, namespace },
    spec: {
      backoffLimit: 1,
      completions: 1,
      parallelism: 1,
      template: {
        metadata: { labels: { app: "certgen" } },
        spec: {
          automountServiceAccountToken: true,
          containers: [
            {
              command: ["envoy-gateway", "certgen"],
              env: namespaceEnv,
              image: gatewayImage,
              imagePullPolicy: "IfNotPresent",
              name: "envoy-gateway-certgen",
              securityContext: restrictedContainer,
            },
          ],
          restartPolicy: "Never",
          securityContext: restrictedPod,
          serviceAccountName: `${prefix}-certgen`,
        },
      },
      ttlSecondsAfterFinished: 30,
    },
  };
}
