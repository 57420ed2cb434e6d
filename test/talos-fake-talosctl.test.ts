// The fake talosctl reproduces the talosctl and Talos behaviours hangar depends on (messages as
// talosctl 1.13 prints them where the source pins them down): the schema and semantic rules, the
// streams, reboots, FailedPrecondition, certificate expiry. If the double drifts, the up.mjs tests
// lie; test/talos-machinery*.test.ts hold it to real `validate --mode metal`.
import t, { type Test } from "tap";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { X509Certificate } from "node:crypto";
import { parse, parseAllDocuments } from "yaml";

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
      env: { ...process.env, FAKE_TALOSCTL_STATE: state, HOME: dir, FAKE_TALOSCTL_VERSION: "v1.13.9" },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  const nodesNow = () => JSON.parse(readFileSync(join(state, "state.json"), "utf8")).nodes;
  return { dir, run, nodes: nodesNow };
}

const auth = ["--talosconfig", "out/talosconfig", "-n", "10.0.0.2", "-e", "10.0.0.2"];

/** Calls `version` until the node answers again (a rebooting node misses a few calls); returns how many it missed. */
function waitBack(l: ReturnType<typeof lab>): number {
  for (let missed = 0; missed < 10; missed++) if (l.run("version", ...auth).status === 0) return missed;
  throw new Error("the fake node never came back");
}

/** A cluster of one control plane at 10.0.0.2 (link enp1s0) installed from maintenance mode on the v1.13 contract. */
function installed(t: Test) {
  const l = lab(t, [{ state: "maintenance", maintenanceAddress: "10.0.0.9", talosVersion: "v1.13.8", mac: "00:1e:06:45:0a:01", bootId: "boot-0" }]);
  l.run("gen", "secrets", "-o", "secrets.yaml");
  writeFileSync(
    join(l.dir, "node.yaml"),
    `machine:\n  install:\n    image: ${factoryImage("v1.13.8")}\n---\napiVersion: v1alpha1\nkind: LinkConfig\nname: enp1s0\naddresses:\n  - address: 10.0.0.2/24\nroutes:\n  - gateway: 10.0.0.1\n`,
  );
  l.run("gen", "config", "c", "https://10.0.0.2:6443", "--with-secrets", "secrets.yaml", "--talos-version", "v1.13", "--kubernetes-version", "1.35.2", "-o", "out");
  const apply = l.run("apply-config", "--insecure", "-n", "10.0.0.9", "-f", "out/controlplane.yaml", "-p", "@node.yaml");
  t.equal(apply.status, 0, apply.stderr);
  t.equal(waitBack(l), 2, "the install reboots: two calls unanswered");
  return l;
}

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
  const common = run("gen", "config", "c", "https://10.0.0.2:6443", "--with-secrets", "secrets.yaml", "--talos-version", "v1.13", "--config-patch", "@delete.yaml", "-o", "a");
  t.equal(common.status, 1);
  t.match(common.stderr, "patch delete: path 'machine.nodeLabels.node.kubernetes.io/exclude-from-external-load-balancers' in document '/v1alpha1': failed to delete path 'machine.nodeLabels.node.kubernetes.io/exclude-from-external-load-balancers': lookup failed");
  const cp = run("gen", "config", "c", "https://10.0.0.2:6443", "--with-secrets", "secrets.yaml", "--talos-version", "v1.13", "--config-patch-control-plane", "@delete.yaml", "-o", "b");
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
  t.match(same.stderr, "Config diff:\n\nNo changes.", "the dry-run summary is on stderr (helpers/mode.go)");
  t.equal(same.stdout, "", "and nothing on stdout");
  t.notMatch(l.run("apply-config", ...auth, "-f", "out/controlplane.yaml", "-p", "@node.yaml", "--dry-run", "--config-patch", "machine:\n  install:\n    disk: /dev/sdb").stderr, "No changes.");
  t.equal(l.run("health", ...auth).status, 1, "not healthy before the bootstrap");
  t.equal(l.run("bootstrap", ...auth).stderr, "error executing bootstrap: rpc error: code = FailedPrecondition desc = bootstrap is not available yet\n");
  t.equal(l.run("bootstrap", ...auth).stderr, "error executing bootstrap: rpc error: code = FailedPrecondition desc = time is not in sync yet\n");
  t.equal(l.run("bootstrap", ...auth).status, 0, "a fresh node takes bootstrap once it is ready");
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

const bootstrapped = (t: Test) => {
  const l = installed(t);
  while (l.run("bootstrap", ...auth).status !== 0);
  return l;
};

t.test("extensions, upgrades (a reboot with a new boot ID) and the upgrade-k8s path rule", async (t) => {
  const l = bootstrapped(t);
  const extensions = parseAllDocuments(l.run("get", "extensions", ...auth, "-o", "yaml").stdout).map((doc) => doc.toJS());
  t.same(extensions.map((doc) => doc.spec.metadata), [{ name: "schematic", version: "a".repeat(64), author: "Image Factory" }]);
  const bootBefore = l.run("read", ...auth, "/proc/sys/kernel/random/boot_id").stdout;
  t.equal(l.run("upgrade", ...auth, "--image", factoryImage("v1.13.9")).status, 0);
  t.equal(l.run("read", ...auth, "/proc/sys/kernel/random/boot_id").stdout, bootBefore, "still up a moment after the upgrade call");
  t.equal(waitBack(l), 2, "then away for two calls");
  t.not(l.run("read", ...auth, "/proc/sys/kernel/random/boot_id").stdout, bootBefore, "and back with a new boot ID");
  t.match(l.nodes()[0], { talosVersion: "v1.13.9", upgrades: 1 });
  const jump = l.run("upgrade-k8s", ...auth, "--to", "1.37.0");
  t.equal(jump.stderr, 'unsupported upgrade path 1.35->1.37 (from "1.35.2" to "1.37.0")\n');
  t.match(l.run("upgrade-k8s", ...auth, "--to", "1.36.3", "--dry-run").stdout, "dry-run: no changes");
  t.equal(l.run("upgrade-k8s", ...auth, "--to", "1.36.3").status, 0);
  t.match(l.run("get", "staticpods", "kube-apiserver", ...auth, "-o", "yaml").stdout, "kube-apiserver:v1.36.3");
  l.run("gen", "config", "c", "https://10.0.0.2:6443", "--with-secrets", "secrets.yaml", "--talos-version", "v1.13", "--kubernetes-version", "1.36.3", "-o", "out", "--force");
  const regenerated = l.run("apply-config", ...auth, "-f", "out/controlplane.yaml", "-p", "@node.yaml", "--dry-run");
  t.match(regenerated.stderr, "No changes.", "upgrade-k8s rewrote the running config like a regenerated one");
});

t.test("reset: the only control plane needs --graceful=false", async (t) => {
  const l = bootstrapped(t);
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

t.test("what Talos rejects, the fake rejects: on apply, with Talos' words", async (t) => {
  const l = installed(t);
  const reject = (patch: string) => l.run("apply-config", ...auth, "-f", "out/controlplane.yaml", "-p", "@node.yaml", "-p", patch);
  const route = reject("apiVersion: v1alpha1\nkind: LinkConfig\nname: enp1s0\nroutes:\n  - destination: 0.0.0.0/0\n    gateway: 10.0.0.1\n");
  t.equal(route.status, 1);
  t.match(route.stderr, "configuration validation failed: 1 error occurred:\n\t* LinkConfig/enp1s0: route 1 destination must be a valid IP prefix");
  t.match(reject("apiVersion: v1alpha1\nkind: HostnameConfig\nhostname: cp\nauto: stable\n").stderr, "HostnameConfig: 'auto' and 'hostname' cannot be set at the same time");
  t.match(reject("machine:\n  network:\n    hostname: cp\n").stderr, "static hostname is already set in v1alpha1 config");
  t.match(reject("apiVersion: v1alpha1\nkind: LinkConfig\nname: enp1s0\nmtu: fast\n").stderr, "LinkConfig/enp1s0: /mtu must be integer");
  t.match(reject("apiVersion: v1alpha1\nkind: KubeNodeConfig\nlabels: {a: b}\n").stderr, "this configuration is for the v1.14 contract", "a 1.13 node does not know v1.14 documents");
  t.match(l.nodes()[0], { applies: 1 }, "nothing was applied");
});

t.test("gen config starts from Talos' own gen-config output for the contract; validate runs Talos' rules", async (t) => {
  const { run: run113, dir } = lab(t);
  const run = (...args: string[]) => {
    const result = spawnSync("env", ["-u", "NODE_OPTIONS", fake, ...args], {
      cwd: dir, encoding: "utf8", env: { ...process.env, FAKE_TALOSCTL_STATE: join(dir, "state"), HOME: dir, FAKE_TALOSCTL_VERSION: "v1.14.7" },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  run("gen", "secrets", "-o", "secrets.yaml");
  t.match(run113("gen", "config", "c", "https://10.0.0.2:6443", "--with-secrets", "secrets.yaml", "--talos-version", "v1.14", "-o", "old").stderr, "cannot generate the newer v1.14 contract");
  const v14gen = run("gen", "config", "c", "https://10.0.0.2:6443", "--with-secrets", "secrets.yaml", "--talos-version", "v1.14", "-o", "v14");
  t.equal(v14gen.status, 0, v14gen.stderr);
  const kinds = parseAllDocuments(readFileSync(join(dir, "v14", "controlplane.yaml"), "utf8")).map((doc) => doc.toJS().kind ?? "v1alpha1");
  for (const kind of ["KubeNodeConfig", "KubeletConfig", "HostnameConfig", "UnattendedInstallConfig"]) t.ok(kinds.includes(kind), `v1.14 emits ${kind}`);
  t.match(run("validate", "--config", "v14/controlplane.yaml", "--mode", "metal").stdout, "v14/controlplane.yaml is valid for metal mode");
  writeFileSync(join(dir, "mixed.yaml"), "machine:\n  nodeLabels:\n    a: b\n");
  t.equal(run("gen", "config", "c", "https://10.0.0.2:6443", "--with-secrets", "secrets.yaml", "--talos-version", "v1.14", "-o", "mixed", "--config-patch", "@mixed.yaml").status, 0, "deprecated fields still decode");
  const mixed = run("validate", "--config", "mixed/controlplane.yaml", "--mode", "metal");
  t.equal(mixed.status, 1);
  t.match(mixed.stderr, ".machine.nodeLabels is already set in v1alpha1 config", "a deprecated field beside its document fails on 1.14");

  t.equal(run("gen", "config", "c", "https://10.0.0.2:6443", "--with-secrets", "secrets.yaml", "--talos-version", "v1.13", "-o", "v13").status, 0);
  const v13 = readFileSync(join(dir, "v13", "controlplane.yaml"), "utf8");
  t.match(v13, "node.kubernetes.io/exclude-from-external-load-balancers", "v1.13: labels in machine.nodeLabels");
  t.notMatch(v13, "KubeNodeConfig");
  const talosconfig = parse(readFileSync(join(dir, "v13", "talosconfig"), "utf8"));
  const certificate = new X509Certificate(Buffer.from(talosconfig.contexts.c.crt, "base64"));
  const days = (new Date(certificate.validTo).getTime() - Date.now()) / 86_400_000;
  t.ok(days > 364 && days <= 366, "a real client certificate valid for one year");
});

t.test("upgrade-k8s --dry-run reports removed APIs and fails; etcd snapshot writes a file", async (t) => {
  const l = bootstrapped(t);
  const statePath = join(l.dir, "state", "state.json");
  const state = JSON.parse(readFileSync(statePath, "utf8"));
  writeFileSync(statePath, JSON.stringify({ ...state, removedApis: [{ resource: "flowschemas.flowcontrol.apiserver.k8s.io", version: "flowcontrol.apiserver.k8s.io/v1beta3", removedIn: 36, count: 1 }] }));
  const dry = l.run("upgrade-k8s", ...auth, "--to", "1.36.3", "--dry-run");
  t.equal(dry.status, 1);
  t.match(dry.stderr, "removed in Kubernetes 1.36");
  t.equal(l.run("etcd", "snapshot", "snap.db", ...auth).status, 0);
  t.ok(existsSync(join(l.dir, "snap.db")));
});

t.test("compiled schema validators are cached by what decides them: cold and warm runs agree, a changed schema is obeyed", async (t) => {
  const dir = t.testdir();
  const cache = join(dir, "cache");
  mkdirSync(join(dir, "state"));
  writeFileSync(join(dir, "state", "state.json"), '{"nodes":[]}');
  writeFileSync(join(dir, "node.yaml"), "version: v1alpha1\nmachine:\n  type: controlplane\n  bogus: 1\n  install:\n    disk: /dev/sda\n");
  const validate = (upstream?: string) => {
    const result = spawnSync("env", ["-u", "NODE_OPTIONS", fake, "validate", "--config", "node.yaml", "--mode", "metal"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, FAKE_TALOSCTL_STATE: join(dir, "state"), HOME: dir, FAKE_TALOSCTL_VERSION: "v1.13.9", FAKE_TALOSCTL_CACHE: cache, ...(upstream && { FAKE_TALOSCTL_UPSTREAM: upstream }) },
    });
    return { status: result.status, stderr: result.stderr };
  };
  const cold = validate();
  t.equal(cold.status, 1);
  t.match(cold.stderr, "v1alpha1: /machine must NOT have additional properties (bogus)");
  const schemas = join(cache, "schemas");
  t.same(readdirSync(schemas).map((key) => readdirSync(join(schemas, key)).sort()), [["kinds.json", "v1alpha1.Config.cjs"]], "the validator was compiled once, into the cache");
  t.same(validate(), cold, "the cached validator says exactly what the freshly compiled one said");

  // The same schema with one rule changed: the cache must not answer with the old rule.
  const upstream = join(dir, "upstream");
  mkdirSync(upstream);
  const schemaFile = "talos-config.schema-v1.13.9.json";
  const schema = JSON.parse(readFileSync(fileURLToPath(new URL(`../../shared/upstream/${schemaFile}`, import.meta.url)), "utf8"));
  schema.$defs["v1alpha1.Config"].properties.version = { enum: ["v1alpha2"] };
  writeFileSync(join(upstream, schemaFile), JSON.stringify(schema));
  const changed = validate(upstream);
  t.equal(changed.status, 1);
  t.match(changed.stderr, "v1alpha1: /version must be equal to one of the allowed values");
  t.equal(readdirSync(schemas).length, 2, "a changed schema is a new cache entry");
});
