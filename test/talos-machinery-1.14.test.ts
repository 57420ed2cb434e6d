// The v1.14 contract on real Talos machinery v1.14.1 (talos-machinery-1.14, the newest v1.14
// release the Go module proxy serves) and on the fake talosctl playing v1.14.1: every
// configuration hangar produces is valid for both; what real Talos rejects (the KubeNodeConfig
// label and taint rules, the CEL disk selector, the deprecated v1alpha1 fields beside their new
// documents) the fake rejects, in Talos' words; the install settings are optional from 1.14 on.
import t from "tap";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exampleHomelab, extensionsHomelab, haHomelab } from "./doubles/fake-talosctl/declarations.ts";
import { acceptsAll, type BadCase, type Case, rejectsAll, runner, validationCount } from "./helpers/talos-verdicts.ts";

// Dozens of real and fake talosctl runs: more than the default file timeout on a loaded machine.
t.setTimeout(600_000);

const good: Case[] = [
  { name: "example, v1.14 contract", homelab: exampleHomelab(), contract: "v1.14" },
  { name: "three control planes, VIP, workers, v1.14 contract", homelab: haHomelab(), contract: "v1.14" },
  { name: "extensions (zfs module, tailscale service), v1.14 contract", homelab: extensionsHomelab(), contract: "v1.14" },
];

t.test("every configuration hangar produces for the v1.14 contract is valid for real Talos 1.14, and for the fake", (t) => acceptsAll(t, good));

// The example's control plane plus one patch each.
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

t.test("install settings: optional from Talos 1.14 on (no UnattendedInstallConfig at all is valid), required before", async (t) => {
  const cases = [
    { contract: "v1.14", drop: (docs: string[]) => docs.filter((doc) => !/^kind: UnattendedInstallConfig$/m.test(doc)), valid: true },
    { contract: "v1.13", drop: (docs: string[]) => docs.map((doc) => doc.replace(/^ {4}install:\n(?: {8}.*\n)+/m, "")), valid: false },
  ] as const;
  for (const c of cases) {
    const dir = t.testdir();
    const { real: realRun, fake: fakeRun } = runner(dir, c.contract);
    realRun("gen", "secrets", "-o", "secrets.yaml", "--talos-version", c.contract);
    const gen = realRun("gen", "config", "home", "https://10.0.0.10:6443", "--with-secrets", "secrets.yaml", "--talos-version", c.contract, "--with-docs=false", "--with-examples=false", "-t", "controlplane", "-o", "generated.yaml");
    t.equal(gen.status, 0, `${c.contract}: real gen config`, { stderr: gen.stderr });
    const text = readFileSync(join(dir, "generated.yaml"), "utf8");
    const without = c.drop(text.split(/^---\n/m)).join("---\n");
    t.not(without, text, `${c.contract}: the install settings are taken out`);
    writeFileSync(join(dir, "no-install.yaml"), without);
    const real = realRun("validate", "--config", "no-install.yaml", "--mode", "metal");
    const fake = fakeRun("validate", "--config", "no-install.yaml", "--mode", "metal");
    t.equal(real.status === 0, c.valid, `${c.contract}: real Talos ${c.valid ? "accepts" : "refuses"} it`, { stderr: real.stderr });
    t.equal(fake.status, real.status, `${c.contract}: the fake agrees`, { real: real.stderr, fake: fake.stderr });
    if (!c.valid) {
      const says = 'install instructions are required in "metal" mode';
      t.ok(real.stderr.includes(says) && fake.stderr.includes(says), `${c.contract}: both say ${says}`, { real: real.stderr, fake: fake.stderr });
    }
  }
});

t.teardown(() => console.log(`# ${validationCount()} validate runs (real and fake) over ${good.length + bad.length + 2} cases`));
