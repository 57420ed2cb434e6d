// What real Talos 1.14 rejects (machinery v1.14.1: the KubeNodeConfig label and taint rules, the
// CEL disk selector, the deprecated v1alpha1 fields beside their new documents), the fake
// talosctl playing v1.14.1 rejects, in Talos' words: the example's control plane plus one patch
// each, generated and validated by both.
import t from "tap";
import { exampleHomelab } from "./doubles/fake-talosctl/declarations.ts";
import { type BadCase, rejectsAll, validationCount } from "./helpers/talos-verdicts.ts";

// Dozens of real and fake talosctl runs: more than the default file timeout on a loaded machine.
t.setTimeout(600_000);

const bad: BadCase[] = [
  {
    name: "v1.14: a KubeNodeConfig taint whose effect Kubernetes does not know",
    homelab: exampleHomelab(),
    contract: "v1.14",
    extra: "apiVersion: v1alpha1\nkind: KubeNodeConfig\ntaints:\n  gpu: Sometimes\n",
    says: 'KubeNodeConfig: invalid node taints: 1 error occurred:\n\t* invalid taint effect: "Sometimes"',
  },
  {
    name: "v1.14: a KubeNodeConfig label that is not a qualified name",
    homelab: exampleHomelab(),
    contract: "v1.14",
    extra: 'apiVersion: v1alpha1\nkind: KubeNodeConfig\nlabels:\n  "bad label!": x\n',
    says: 'KubeNodeConfig: invalid node labels: 1 error occurred:\n\t* name "bad label!" is invalid',
  },
  {
    name: "v1.14: machine.kubelet.nodeIP beside KubeNodeConfig and KubeletConfig",
    homelab: exampleHomelab(),
    contract: "v1.14",
    extra: "machine:\n  kubelet:\n    nodeIP:\n      validSubnets: [10.0.0.0/24]\n",
    says: "2 errors occurred:\n\t* .machine.kubelet.nodeIP is already set in v1alpha1 config\n\t* kubelet config is already set in v1alpha1 config (.machine.kubelet)",
  },
  {
    name: "v1.14: a disk selector that ends after its operator",
    homelab: exampleHomelab(),
    contract: "v1.14",
    extra: 'apiVersion: v1alpha1\nkind: UnattendedInstallConfig\nprovisioning:\n  diskSelector:\n    match: "disk.dev_path =="\n',
    says:
      "UnattendedInstallConfig: provisioning.diskSelector.match: ERROR: <input>:1:17: Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}\n | disk.dev_path ==\n | ................^",
  },
  {
    name: "v1.14: a disk selector on a field disks do not have",
    homelab: exampleHomelab(),
    contract: "v1.14",
    extra: 'apiVersion: v1alpha1\nkind: UnattendedInstallConfig\nprovisioning:\n  diskSelector:\n    match: disk.vendor == "x"\n',
    says: "provisioning.diskSelector.match: ERROR: <input>:1:5: undefined field 'vendor'\n | disk.vendor == \"x\"\n | ....^",
  },
  {
    name: "v1.14: a disk selector multiplying an int by a uint size",
    homelab: exampleHomelab(),
    contract: "v1.14",
    extra: "apiVersion: v1alpha1\nkind: UnattendedInstallConfig\nprovisioning:\n  diskSelector:\n    match: disk.size > 10 * GiB\n",
    says: "provisioning.diskSelector.match: ERROR: <input>:1:16: found no matching overload for '_*_' applied to '(int, uint)'",
  },
  {
    name: "v1.14: a disk selector that is not a bool",
    homelab: exampleHomelab(),
    contract: "v1.14",
    extra: "apiVersion: v1alpha1\nkind: UnattendedInstallConfig\nprovisioning:\n  diskSelector:\n    match: disk.dev_path\n",
    says: "UnattendedInstallConfig: provisioning.diskSelector.match: expression output type is string, expected bool",
  },
  {
    name: "v1.14: a disk selector without its match",
    homelab: exampleHomelab(),
    contract: "v1.14",
    extra: "apiVersion: v1alpha1\nkind: UnattendedInstallConfig\nprovisioning:\n  diskSelector:\n    match:\n      $patch: delete\n",
    says: "UnattendedInstallConfig: provisioning.diskSelector.match is required",
  },
  {
    name: "v1.14: machine.install beside UnattendedInstallConfig",
    homelab: exampleHomelab(),
    contract: "v1.14",
    extra: "machine:\n  install:\n    disk: /dev/sda\n",
    says: "UnattendedInstallConfig config is incompatible with v1alpha1 config (.machine.install)",
  },
  {
    name: "v1.14: node labels in v1alpha1 beside KubeNodeConfig",
    homelab: exampleHomelab(),
    contract: "v1.14",
    extra: "machine:\n  nodeLabels:\n    rack: r1\n",
    says: ".machine.nodeLabels is already set in v1alpha1 config",
  },
];

t.test("what real Talos 1.14 rejects, the fake rejects, in Talos' words", (t) => rejectsAll(t, bad));

t.teardown(() => console.log(`# ${validationCount()} validate runs (real and fake) over ${bad.length} cases`));
