// The admission webhook and the two kube-webhook-certgen jobs: `create` makes the serving
// certificate Secret, `patch` injects its CA into the webhook configuration. Both delete
// themselves when done (ttlSecondsAfterFinished: 0).
import type { Resource } from "../../lib/flight/contract.ts";
import { certgenImage, labels, podLabels, podNamespace } from "./meta.ts";

export function webhookConfiguration(namespace: string): Resource {
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingWebhookConfiguration",
    metadata: { labels: labels("admission-webhook"), name: "ingress-nginx-admission" },
    webhooks: [
      {
        admissionReviewVersions: ["v1"],
        clientConfig: {
          service: { name: "ingress-nginx-controller-admission", namespace, path: "/networking/v1/ingresses", port: 443 },
        },
        failurePolicy: "Fail",
        matchPolicy: "Equivalent",
        name: "validate.nginx.ingress.kubernetes.io",
        rules: [{ apiGroups: ["networking.k8s.io"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["ingresses"] }],
        sideEffects: "None",
      },
    ],
  };
}

function certgenJob(namespace: string, step: "create" | "patch", args: string[]): Resource {
  const name = `ingress-nginx-admission-${step}`;
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { labels: labels("admission-webhook"), name, namespace },
    spec: {
      template: {
        metadata: { labels: podLabels("admission-webhook"), name },
        spec: {
          automountServiceAccountToken: true,
          containers: [
            {
              args: [step, ...args],
              env: [podNamespace],
              image: certgenImage,
              imagePullPolicy: "IfNotPresent",
              name: step,
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ["ALL"] },
                readOnlyRootFilesystem: true,
                runAsGroup: 65532,
                runAsNonRoot: true,
                runAsUser: 65532,
                seccompProfile: { type: "RuntimeDefault" },
              },
            },
          ],
          nodeSelector: { "kubernetes.io/os": "linux" },
          restartPolicy: "OnFailure",
          serviceAccountName: "ingress-nginx-admission",
        },
      },
      ttlSecondsAfterFinished: 0,
    },
  };
}

export const createCertificateJob = (namespace: string) =>
  certgenJob(namespace, "create", [
    "--host=ingress-nginx-controller-admission,ingress-nginx-controller-admission.$(POD_NAMESPACE).svc",
    "--namespace=$(POD_NAMESPACE)",
    "--secret-name=ingress-nginx-admission",
  ]);

export const patchWebhookJob = (namespace: string) =>
  certgenJob(namespace, "patch", [
    "--webhook-name=ingress-nginx-admission",
    "--namespace=$(POD_NAMESPACE)",
    "--patch-mutating=false",
    "--secret-name=ingress-nginx-admission",
    "--patch-failure-policy=Fail",
  ]);
