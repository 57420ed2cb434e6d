// The fake talosctl reproduces the talosctl behaviours hangar depends on (messages as talosctl
// 1.13 prints them where the notes pin them down); if the double drifts, the up.mjs tests lie.
import t, { type Test } from "tap";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const fake = fileURLToPath(new URL("./doubles/fake-talosctl/bin/talosctl", import.meta.url));
const factoryImage = (version: string) => `factory.talos.dev/metal-installer/${"a".repeat(64)}:${version}`;

function lab(t: Test, nodes: object[] = [], dir = t.testdir()) {
  const state = join(dir, "state");
  mkdirSync(state, { recursive: true });
  writeFileSync(join(state, "state.json"), JSON.stringify({ nodes }));
  const run = (...args: string[]) => {
    const result = spawnSync("env", ["-u", "NODE_OPTIONS", fake, ...args], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, FAKE_TALOSCTL_STATE: state, HOME: dir },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const nodesNow = () => JSON.parse(readFileSync(join(state, "state.json"), "utf8")).nodes;
  return { dir, run, nodes: nodesNow };
}

/** A cluster of one control plane at 10.0.0.2 installed from maintenance mode. */
function installed(t: Test) {
  const l = lab(t, [{ state: "maintenance", maintenanceAddress: "10.0.0.9", talosVersion: "v1.13.8" }]);
  l.run("gen", "secrets", "-o", "secrets.yaml");
  writeFileSync(
    join(l.dir, "node.yaml"),
    `machine:\n  install:\n    image: ${factoryImage("v1.13.8")}\n---\napiVersion: v1alpha1\nkind: LinkConfig\nname: eth0\naddresses:\n  - address: 10.0.0.2/24\n`,
  );
  l.run("gen", "config", "c", "https://10.0.0.2:6443", "--with-secrets", "secrets.yaml", "--kubernetes-version", "1.35.2", "-o", "out");
  const apply = l.run("apply-config", "--insecure", "-n", "10.0.0.9", "-f", "out/controlplane.yaml", "-p", "@node.yaml");
  t.equal(apply.status, 0, apply.stderr);
  return l;
}

const auth = ["--talosconfig", "out/talosconfig", "-n", "10.0.0.2", "-e", "10.0.0.2"];

t.test("gen refuses to overwrite without --force", async (t) => {
  const { run } = lab(t);
  t.equal(run("gen", "secrets", "-o", "secrets.yaml").status, 0);
  const before = readFileSync(join(t.testdirName, "secrets.yaml"), "utf8");
  const again = run("gen", "secrets", "-o", "secrets.yaml");
  t.equal(again.status, 1);
  t.equal(again.stderr, 'file "secrets.yaml" already exists, use --force to overwrite\n');
  t.equal(readFileSync(join(t.testdirName, "secrets.yaml"), "utf8"), before);
  t.equal(run("gen", "secrets", "-o", "secrets.yaml", "--force").status, 0);
  t.not(readFileSync(join(t.testdirName, "secrets.yaml"), "utf8"), before, "--force makes a new bundle");

  t.equal(run("gen", "config", "c", "https://10.0.0.2:6443", "--with-secrets", "secrets.yaml", "-o", "out").status, 0);
  const config = run("gen", "config", "c", "https://10.0.0.2:6443", "--with-secrets", "secrets.yaml", "-o", "out");
  t.equal(config.stderr, 'file "out/controlplane.yaml" already exists, use --force to overwrite\n');
  t.match(run("gen", "config", "c", "10.0.0.2", "--with-secrets", "secrets.yaml", "-o", "x").stderr, 'try: "https://10.0.0.2:6443"');
});

t.test("a label delete works in the control-plane patch and fails in the common one", async (t) => {
  const { run, dir } = lab(t);
  run("gen", "secrets", "-o", "secrets.yaml");
  writeFileSync(join(dir, "delete.yaml"), "machine:\n  nodeLabels:\n    node.kubernetes.io/exclude-from-external-load-balancers:\n      $patch: delete\n");
  const common = run("gen", "config", "c", "https://10.0.0.2:6443", "--with-secrets", "secrets.yaml", "--config-patch", "@delete.yaml", "-o", "a");
  t.equal(common.status, 1);
  t.match(common.stderr, "patch delete: path 'machine.nodeLabels.node.kubernetes.io/exclude-from-external-load-balancers' lookup failed");
  const cp = run("gen", "config", "c", "https://10.0.0.2:6443", "--with-secrets", "secrets.yaml", "--config-patch-control-plane", "@delete.yaml", "-o", "b");
  t.equal(cp.status, 0, cp.stderr);
  t.notMatch(readFileSync(join(dir, "b", "controlplane.yaml"), "utf8"), "exclude-from-external-load-balancers");
});

t.test("maintenance mode answers insecure calls only until the node is installed", async (t) => {
  const l = installed(t);
  const node = l.nodes()[0];
  t.match(node, { state: "installed", address: "10.0.0.2", talosVersion: "v1.13.8", role: "controlplane" });
  t.equal(l.run("get", "disks", "--insecure", "-n", "10.0.0.9").status, 1, "the maintenance address is gone");
  const insecure = l.run("get", "disks", "--insecure", "-n", "10.0.0.2", "-e", "10.0.0.2");
  t.equal(insecure.status, 1);
  t.match(insecure.stderr, "tls: certificate required");
  t.match(l.run("apply-config", "--insecure", "-n", "10.0.0.2", "-f", "out/controlplane.yaml").stderr, "tls: certificate required");
  t.match(l.run("version", ...auth).stdout, /Server:\n\tNODE:        10\.0\.0\.2\n\tTag:         v1\.13\.8\n/);
  const stranger = lab(t, [{ state: "installed", address: "10.0.0.2", ca: "someone else" }], join(l.dir, "stranger"));
  mkdirSync(join(stranger.dir, "out"));
  writeFileSync(join(stranger.dir, "out", "talosconfig"), readFileSync(join(l.dir, "out", "talosconfig")));
  t.match(stranger.run("version", ...auth).stderr, "x509: certificate signed by unknown authority", "another cluster's PKI is refused");
});

t.test("dry-run apply, bootstrap once, kubeconfig without merging", async (t) => {
  const l = installed(t);
  const same = l.run("apply-config", ...auth, "-f", "out/controlplane.yaml", "-p", "@node.yaml", "--dry-run");
  t.match(same.stdout, "Config diff:\n\nNo changes.");
  t.notMatch(l.run("apply-config", ...auth, "-f", "out/controlplane.yaml", "--dry-run").stdout, "No changes.");
  t.equal(l.run("health", ...auth).status, 1, "not healthy before the bootstrap");
  t.equal(l.run("bootstrap", ...auth).status, 0);
  const twice = l.run("bootstrap", ...auth);
  t.equal(twice.stderr, "error executing bootstrap: rpc error: code = AlreadyExists desc = etcd data directory is not empty\n");
  t.equal(l.run("health", ...auth, "--control-plane-nodes", "10.0.0.2").status, 0);

  t.equal(l.run("kubeconfig", "kc", ...auth, "--merge=false").status, 0);
  const refused = l.run("kubeconfig", "kc", ...auth, "--merge=false");
  t.equal(refused.stderr, 'kubeconfig file already exists, use --force to overwrite: "kc"\n');
  t.equal(l.run("kubeconfig", "kc", ...auth, "--merge=false", "--force").status, 0);
  t.equal(l.run("kubeconfig", "kc", ...auth).status, 0, "merging (the default) into an existing file");
  t.match(readFileSync(join(l.dir, "kc"), "utf8"), "admin@cluster-1", "a merge without --force adds a renamed context");
});

t.test("extensions, upgrades and the upgrade-k8s path rule", async (t) => {
  const l = installed(t);
  l.run("bootstrap", ...auth);
  const extensions = parseAllDocuments(l.run("get", "extensions", ...auth, "-o", "yaml").stdout).map((doc) => doc.toJS());
  t.same(extensions.map((doc) => doc.spec.metadata), [{ name: "schematic", version: "a".repeat(64), author: "Image Factory" }]);
  t.equal(l.run("upgrade", ...auth, "--image", factoryImage("v1.13.9")).status, 0);
  t.match(l.nodes()[0], { talosVersion: "v1.13.9", upgrades: 1 });
  const jump = l.run("upgrade-k8s", ...auth, "--to", "1.37.0");
  t.equal(jump.stderr, 'unsupported upgrade path 1.35->1.37 (from "1.35.2" to "1.37.0")\n');
  t.equal(l.run("upgrade-k8s", ...auth, "--to", "1.36.3").status, 0);
  t.match(l.run("get", "staticpods", "kube-apiserver", ...auth, "-o", "yaml").stdout, "kube-apiserver:v1.36.3");
  l.run("gen", "config", "c", "https://10.0.0.2:6443", "--with-secrets", "secrets.yaml", "--kubernetes-version", "1.36.3", "-o", "out", "--force");
  const regenerated = l.run("apply-config", ...auth, "-f", "out/controlplane.yaml", "-p", "@node.yaml", "--dry-run");
  t.match(regenerated.stdout, "No changes.", "upgrade-k8s rewrote the running config like a regenerated one");
});

t.test("reset: the only control plane needs --graceful=false", async (t) => {
  const l = installed(t);
  l.run("bootstrap", ...auth);
  t.match(l.run("reset", ...auth).stderr, "use --graceful=false");
  const reset = l.run("reset", ...auth, "--graceful=false", "--reboot", "--system-labels-to-wipe", "STATE", "--system-labels-to-wipe", "EPHEMERAL");
  t.equal(reset.status, 0, reset.stderr);
  t.match(l.nodes()[0], { state: "maintenance", etcdData: false });
  t.equal(l.run("get", "disks", "--insecure", "-n", "10.0.0.9").status, 0, "back in maintenance mode on its DHCP address");
});

t.test("flags talosctl does not have are refused", async (t) => {
  const { run } = lab(t);
  t.equal(run("cluster", "create", "docker", "--controlplanes", "3").stderr, "unknown flag: --controlplanes\n");
  t.equal(run("apply-config", "--mode=reboot", "--bogus").stderr, "unknown flag: --bogus\n");
  t.notOk(existsSync(join(t.testdirName, "secrets.yaml")));
});
