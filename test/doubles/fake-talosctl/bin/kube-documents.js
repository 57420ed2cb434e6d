// Validate() of the v1.14 documents hangar writes (KubeNodeConfig, UnattendedInstallConfig,
// KernelModuleConfig) or gen config emits and a patch may touch (KubeletConfig), and of
// ExtensionServiceConfig (unchanged since v1.13.9). Each returns the document's errors, which the
// container joins with "\n" (Go's errors.Join) after "Kind: ". Sources: pkg/machinery/config/types/
// at v1.14.1; where v1.14.0-rc.1 words it differently, that is said.
const { labelsError, annotationsError, taintsError } = require("./labels.js");
const { diskSelectorError } = require("./disk-selector.js");
const { parseAddr, parsePrefix } = require("./netip.js");

/** k8s/node.go: KubeNodeConfigV1Alpha1.Validate. */
function kubeNodeConfigErrors(doc) {
  const errors = [];
  for (const subnet of doc.nodeIP?.validSubnets ?? []) {
    const cidr = String(subnet).replace(/^!/, "");
    // siderolabs/net ParseSubnetOrAddress: a prefix, or a bare address.
    if (!parsePrefix(cidr) && !parseAddr(cidr)) errors.push(`nodeIP subnet is not valid: ${JSON.stringify(cidr)}`);
  }
  const labels = labelsError(doc.labels);
  if (labels) errors.push(`invalid node labels: ${labels}`);
  const annotations = annotationsError(doc.annotations);
  if (annotations) errors.push(`invalid node annotations: ${annotations}`);
  const taints = taintsError(doc.taints);
  if (taints) errors.push(`invalid node taints: ${taints}`);
  return errors;
}

// kubelet/kubelet.go ProtectedConfigurationFields: what Talos itself sets in the kubelet configuration.
const protectedKubeletFields = [
  "apiVersion", "authentication", "authorization", "cgroupRoot", "kind", "kubeletCgroups", "port",
  "protectKernelDefaults", "resolvConf", "rotateCertificates", "systemCgroups", "staticPodPath",
];

/**
 * k8s/kubelet.go: KubeletConfigV1Alpha1.Validate. The image's Kubernetes version is checked
 * against the running Talos only outside `validate` (which passes validation.WithLocal).
 */
function kubeletConfigErrors(doc) {
  const errors = [];
  if (!doc.image) errors.push("kubelet image cannot be empty");
  for (const field of protectedKubeletFields) {
    if (doc.config && field in doc.config) errors.push(`kubelet configuration field ${JSON.stringify(field)} can't be overridden`);
  }
  return errors;
}

/**
 * runtime/unattended_install.go: ProvisioningSpec.Validate. v1.14.0-rc.1 names the field
 * `provisioning.volumeSelector.match` in its errors, v1.14.1 `provisioning.diskSelector.match`
 * (the field is diskSelector in both); a v1.14.0 pre-release answers with rc.1's words.
 */
function unattendedInstallErrors(doc, { version }) {
  const field = /^v1\.14\.0-/.test(version ?? "") ? "provisioning.volumeSelector.match" : "provisioning.diskSelector.match";
  const match = doc.provisioning?.diskSelector?.match;
  if (match === undefined || match === null || match === "") return [`${field} is required`];
  const error = diskSelectorError(match);
  return error ? [`${field}: ${error}`] : [];
}

/** runtime/kernel_module.go: KernelModuleConfigV1Alpha1.Validate. */
const kernelModuleErrors = (doc) => (doc.name ? [] : ["name is required"]);

/** runtime/extensions/service_config.go: ServiceConfigV1Alpha1.Validate (the first problem only). */
function extensionServiceErrors(doc) {
  const name = doc.name;
  if (!name) return ["name is required"];
  const files = doc.configFiles ?? [];
  if (files.length === 0 && (doc.environment ?? []).length === 0) return [`no config files found for extension ${JSON.stringify(name)}`];
  for (const file of files) {
    if (!file.content) return [`extension content is required for extension ${JSON.stringify(name)}`];
    if (!file.mountPath) return [`extension mount path is required for extension ${JSON.stringify(name)}`];
  }
  return [];
}

const kubeDocumentRules = {
  KubeNodeConfig: kubeNodeConfigErrors,
  KubeletConfig: kubeletConfigErrors,
  UnattendedInstallConfig: unattendedInstallErrors,
  KernelModuleConfig: kernelModuleErrors,
  ExtensionServiceConfig: extensionServiceErrors,
};

module.exports = { kubeDocumentRules };
