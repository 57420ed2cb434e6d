// The fake talosctl playing Talos v1.14.0-rc.1: real rc.1's answers for a v1.14 control plane
// plus one patch, as issue 21 quotes them ("…" where the quote elides them), so each check here
// is the quoted text. No rc.1 machinery can be built (the Go module proxy refuses it); the same
// rules are held to real v1.14.1 by test/talos-machinery-1.14*.test.ts, which words the selector
// field diskSelector where rc.1 says volumeSelector.
import t from "tap";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runner } from "./helpers/talos-verdicts.ts";

// Fourteen fake talosctl runs: more than the default file timeout on a loaded machine.
t.setTimeout(600_000);

t.test("playing Talos v1.14.0-rc.1, the fake answers as rc.1 did, in its words", async (t) => {
  const dir = t.testdir();
  const { fake: run } = runner(dir, "v1.14", "v1.14.0-rc.1");
  t.equal(run("gen", "secrets", "-o", "secrets.yaml").status, 0);
  const configure = (name: string, patch: string, edit: (text: string) => string = (text) => text) => {
    const patchFile = join(dir, `${name}.patch.yaml`);
    writeFileSync(patchFile, patch || "machine: {}\n");
    const out = `${name}.yaml`;
    const gen = run("gen", "config", "home-01", "https://10.0.0.2:6443", "--with-secrets", "secrets.yaml", "--talos-version", "v1.14", "-t", "controlplane", "-o", out, "--config-patch-control-plane", `@${patchFile}`);
    t.equal(gen.status, 0, `${name}: gen config`, { stderr: gen.stderr });
    writeFileSync(join(dir, out), edit(readFileSync(join(dir, out), "utf8")));
    return run("validate", "--config", out, "--mode", "metal");
  };
  const refuses = (name: string, patch: string, ...words: string[]) => {
    const result = configure(name, patch);
    t.equal(result.status, 1, `${name}: refused`);
    for (const said of words) t.ok(result.stderr.includes(said), `${name}: ${said}`, { stderr: result.stderr });
  };
  refuses("taint", "apiVersion: v1alpha1\nkind: KubeNodeConfig\ntaints:\n  gpu: Sometimes\n", "KubeNodeConfig: invalid node taints: ", 'invalid taint effect: "Sometimes"');
  refuses("node-ip", "machine:\n  kubelet:\n    nodeIP:\n      validSubnets: [10.0.0.0/24]\n", ".machine.kubelet.nodeIP is already set in v1alpha1 config", "kubelet config is already set in v1alpha1 config (.machine.kubelet)");
  refuses(
    "selector",
    'apiVersion: v1alpha1\nkind: UnattendedInstallConfig\nprovisioning:\n  diskSelector:\n    match: "disk.dev_path =="\n',
    "UnattendedInstallConfig: provisioning.volumeSelector.match: ERROR: <input>:1:17: Syntax error: mismatched input '<EOF>' ",
  );
  refuses("label", 'apiVersion: v1alpha1\nkind: KubeNodeConfig\nlabels:\n  "bad label!": x\n', "KubeNodeConfig: invalid node labels: ", 'name "bad label!" is invalid');
  refuses("install", "machine:\n  install:\n    disk: /dev/sda\n", "UnattendedInstallConfig config is incompatible with v1alpha1 config (.machine.install)");
  const noMatch = configure("no-match", "", (text) => text.replace(/^ +diskSelector:\n +match: .*\n/m, ""));
  t.equal(noMatch.status, 1, "a selector without match: refused");
  t.ok(noMatch.stderr.includes("UnattendedInstallConfig: provisioning.volumeSelector.match is required"), "in rc.1's words", { stderr: noMatch.stderr });
  const noInstall = configure("no-install", "", (text) => text.split(/^---\n/m).filter((doc) => !/^kind: UnattendedInstallConfig$/m.test(doc)).join("---\n"));
  t.equal(noInstall.status, 0, "no UnattendedInstallConfig at all is valid in v1.14", { stderr: noInstall.stderr });
  t.match(noInstall.stdout, "is valid for metal mode");
});
