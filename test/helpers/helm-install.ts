// A cluster as Terraform's Helm provider leaves it: the chart renders in ../shared/upstream
// created object by object by manager `helm` (Helm 3 writes with create/patch: operation Update)
// with Helm's release annotations, a release record Secret per revision, the ingress-nginx hooks
// run and deleted (their certificate Secret and the webhook's CA left behind), and the pool and
// L2 advertisement applied by Terraform's kubernetes_manifest (server-side apply, manager
// "Terraform"). Waits watch the objects, never sleep.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { parseAllDocuments } from "yaml";
import type { FakeApiServer } from "../doubles/fake-apiserver/index.ts";
import type { KubeClient, Json } from "../../lib/kube/client.ts";
import { Discovery } from "../../lib/kube/discovery.ts";
import { waitUntilReady } from "../../lib/kube/wait.ts";
import { readiness, webhookCaReady } from "../../lib/kube/readiness.ts";

const upstream = fileURLToPath(new URL("../../../shared/upstream/", import.meta.url));

export interface HelmChartRelease {
  name: string;
  namespace: string;
  chart: { name: string; version: string };
  manifest: string;
}

function documents(text: string): Json[] {
  return parseAllDocuments(text).map((doc) => doc.toJS()).filter((object) => object && typeof object === "object");
}

const isHook = (object: Json) => Boolean(object.metadata?.annotations?.["helm.sh/hook"]);

/** What `helm upgrade --install` stores: the release JSON, gzipped, base64, inside the Secret's data. */
export function releaseSecret(release: HelmChartRelease, version: number, status: string): Json {
  const json = {
    name: release.name,
    namespace: release.namespace,
    version,
    info: { status },
    chart: { metadata: { name: release.chart.name, version: release.chart.version } },
    manifest: release.manifest,
  };
  const payload = gzipSync(Buffer.from(JSON.stringify(json))).toString("base64");
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: "helm.sh/release.v1",
    metadata: {
      name: `sh.helm.release.v1.${release.name}.v${version}`,
      namespace: release.namespace,
      labels: { name: release.name, owner: "helm", status, version: String(version) },
    },
    data: { release: Buffer.from(payload).toString("base64") },
  };
}

function stamped(object: Json, release: HelmChartRelease): Json {
  const metadata = { ...object.metadata };
  metadata.annotations = { ...metadata.annotations, "meta.helm.sh/release-name": release.name, "meta.helm.sh/release-namespace": release.namespace };
  metadata.labels = { ...metadata.labels, "app.kubernetes.io/managed-by": "Helm" };
  if (!metadata.namespace && object.kind !== "Namespace" && !clusterScoped.has(object.kind)) metadata.namespace = release.namespace;
  return { ...object, metadata };
}

const clusterScoped = new Set(["Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "ValidatingWebhookConfiguration", "IngressClass"]);

async function until(client: KubeClient, apiVersion: string, kind: string, namespace: string | undefined, name: string, check = (object: Json) => readiness(kind, object)): Promise<void> {
  const info = (await new Discovery(client).find(apiVersion, kind))!;
  await waitUntilReady(client, { info, namespace, name, what: `${kind}/${name}`, check }, AbortSignal.timeout(10_000));
}

export interface HelmInstalled {
  releases: HelmChartRelease[];
}

/** Which chart renders, and the pool and L2 advertisements Terraform applied beside them. */
export interface Installation {
  renders: "helm-renders" | "helm-renders-alt";
  manifests: Json[];
}

const metallbApi = { apiVersion: "metallb.io/v1beta1" };
export const exampleInstallation: Installation = {
  renders: "helm-renders",
  manifests: [
    { ...metallbApi, kind: "IPAddressPool", metadata: { name: "lan", namespace: "metallb-system" }, spec: { addresses: ["10.0.0.3/32"], autoAssign: true } },
    { ...metallbApi, kind: "L2Advertisement", metadata: { name: "lan", namespace: "metallb-system" }, spec: { ipAddressPools: ["lan"], nodeSelectors: [{ matchLabels: { "kubernetes.io/hostname": "home-01-cp-0" } }] } },
  ],
};
/** test/fixtures/homelab-alt.yaml, installed from helm-renders-alt. */
export const alternateInstallation: Installation = {
  renders: "helm-renders-alt",
  manifests: [
    { ...metallbApi, kind: "IPAddressPool", metadata: { name: "lan", namespace: "metallb-system" }, spec: { addresses: ["10.0.0.3-10.0.0.9"], autoAssign: true, avoidBuggyIPs: false } },
    { ...metallbApi, kind: "IPAddressPool", metadata: { name: "ingress", namespace: "metallb-system" }, spec: { addresses: ["10.0.0.10/32"], autoAssign: false, avoidBuggyIPs: false } },
    { ...metallbApi, kind: "L2Advertisement", metadata: { name: "lan", namespace: "metallb-system" }, spec: { ipAddressPools: ["lan", "ingress"] } },
  ],
};

/** Installs a homelab the way helmfile (through Terraform) would have, and waits until it runs. */
export async function helmInstall(server: FakeApiServer, client: KubeClient, installation = exampleInstallation): Promise<HelmInstalled> {
  const chartText = (release: string) => readFileSync(`${upstream}${installation.renders}/${release}/manifest.yaml`, "utf8");
  const namespaceRelease: HelmChartRelease = {
    name: "metallb-namespace",
    namespace: "kube-system",
    chart: { name: "privileged-namespace", version: "0.1.0" },
    manifest: [
      "apiVersion: v1",
      "kind: Namespace",
      "metadata:",
      "  name: metallb-system",
      "  labels:",
      "    pod-security.kubernetes.io/enforce: privileged",
      "    pod-security.kubernetes.io/audit: privileged",
      "    pod-security.kubernetes.io/warn: privileged",
      "",
    ].join("\n"),
  };
  const metallb: HelmChartRelease = { name: "metallb", namespace: "metallb-system", chart: { name: "metallb", version: "0.16.1" }, manifest: chartText("metallb") };
  const ingress: HelmChartRelease = { name: "ingress-nginx", namespace: "ingress-nginx", chart: { name: "ingress-nginx", version: "4.15.1" }, manifest: "" };
  const ingressObjects = documents(chartText("ingress-nginx"));
  // Hooks are stored apart from the manifest and deleted once they succeeded.
  ingress.manifest = ingressObjects.filter((object) => !isHook(object)).map((object) => JSON.stringify(object)).join("\n---\n");

  server.updateAs("kube-system", { apiVersion: "v1", kind: "Namespace", metadata: { name: "kube-system" } });
  for (const object of documents(namespaceRelease.manifest)) server.updateAs("helm", stamped(object, namespaceRelease));
  server.updateAs("helm", releaseSecret(namespaceRelease, 1, "deployed"));

  const metallbObjects = documents(metallb.manifest).map((object) => stamped(object, metallb));
  for (const object of metallbObjects.filter((candidate) => candidate.kind === "CustomResourceDefinition")) server.updateAs("helm", object);
  for (const object of metallbObjects.filter((candidate) => candidate.kind !== "CustomResourceDefinition")) server.updateAs("helm", object);
  // An upgrade happened once: two records, the older superseded.
  server.updateAs("helm", releaseSecret(metallb, 1, "superseded"));
  server.updateAs("helm", releaseSecret(metallb, 2, "deployed"));

  // --create-namespace: Helm creates the namespace itself, unlabelled and unannotated.
  server.updateAs("helm", { apiVersion: "v1", kind: "Namespace", metadata: { name: "ingress-nginx" } });
  for (const object of ingressObjects.filter((candidate) => !isHook(candidate))) server.updateAs("helm", stamped(object, ingress));
  server.updateAs("kube-webhook-certgen", { apiVersion: "v1", kind: "Secret", metadata: { name: "ingress-nginx-admission", namespace: "ingress-nginx" }, data: { ca: "Y2E=", cert: "Y2VydA==", key: "a2V5" } });
  const webhook = server.get("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", undefined, "ingress-nginx-admission")!;
  webhook.webhooks[0].clientConfig.caBundle = "Y2E=";
  server.updateAs("kube-webhook-certgen", webhook);
  server.updateAs("helm", releaseSecret(ingress, 1, "deployed"));

  for (const crd of metallbObjects.filter((candidate) => candidate.kind === "CustomResourceDefinition")) {
    await until(client, "apiextensions.k8s.io/v1", "CustomResourceDefinition", undefined, crd.metadata.name);
  }
  await until(client, "apps/v1", "Deployment", "metallb-system", "metallb-controller");
  await until(client, "admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", undefined, "metallb-webhook-configuration", webhookCaReady);
  await until(client, "apps/v1", "DaemonSet", "metallb-system", "metallb-speaker");
  await until(client, "apps/v1", "Deployment", "ingress-nginx", "ingress-nginx-controller");
  for (const manifest of installation.manifests) server.applyAs("Terraform", manifest);
  await until(client, "v1", "Service", "ingress-nginx", "ingress-nginx-controller");
  return { releases: [namespaceRelease, metallb, ingress] };
}
