// Reading talosctl's output and the decisions made from it.
import t from "tap";
import { kubernetesSteps, needsTalosUpgrade, talosctlProblem } from "../lib/talos/decide.ts";
import {
  apiServerVersion,
  dryRunUnchanged,
  etcdRunning,
  installedSchematic,
  isAlreadyBootstrapped,
  versionTag,
} from "../lib/talos/observe.ts";
import { vanillaSchematicId } from "../lib/talos/schematic.ts";

// The layout of talosctl's version template (pkg/machinery/version).
const versionOutput = [
  "Client:",
  "\tTag:         v1.13.9",
  "\tSHA:         2a7e2b9a",
  "\tBuilt:       ",
  "\tGo version:  go1.25.5",
  "\tOS/Arch:     linux/amd64",
  "Server:",
  "\tNODE:        10.0.0.2",
  "\tTag:         v1.13.8",
  "\tSHA:         5d1c9f0e",
  "\tBuilt:       ",
  "\tGo version:  go1.25.4",
  "\tOS/Arch:     linux/amd64",
  "\tEnabled:     RBAC",
  "",
].join("\n");

t.test("versions from talosctl version", async (t) => {
  t.equal(versionTag(versionOutput, "Client"), "v1.13.9");
  t.equal(versionTag(versionOutput, "Server"), "v1.13.8");
  t.equal(versionTag("Client:\n\tTag:         v1.13.9\n", "Server"), undefined, "no server section with --client");
});

t.test("talosctl must be of the declared Talos minor", async (t) => {
  t.equal(talosctlProblem("v1.13.2", "v1.13.9"), undefined);
  t.equal(talosctlProblem("v1.12.11", "v1.13.9"), "talosctl v1.12.11 does not match cluster.talosVersion v1.13.9; install talosctl v1.13.x");
  t.match(talosctlProblem(undefined, "v1.13.9"), /cannot tell which talosctl/);
});

t.test("schematic from get extensions", async (t) => {
  const output = [
    "node: 10.0.0.2",
    "metadata:",
    "    namespace: runtime",
    "    type: ExtensionStatuses.runtime.talos.dev",
    '    id: "0"',
    "spec:",
    "    image: 000-i915.sqsh",
    "    metadata:",
    "        name: i915",
    "        version: 20250808-v1.13.9",
    "---",
    "node: 10.0.0.2",
    "metadata:",
    "    namespace: runtime",
    "    type: ExtensionStatuses.runtime.talos.dev",
    '    id: "2"',
    "spec:",
    '    image: ""',
    "    metadata:",
    "        name: schematic",
    "        version: 4b3cd373a192c8469e859b7a0cfbed3ecc3577c4a2d346a37b0aeff9cd17cdb0",
    "",
  ].join("\n");
  t.equal(installedSchematic(output), "4b3cd373a192c8469e859b7a0cfbed3ecc3577c4a2d346a37b0aeff9cd17cdb0");
  t.equal(installedSchematic(""), vanillaSchematicId, "an image without the schematic extension is vanilla");
});

t.test("etcd, API server, bootstrap and dry-run signals", async (t) => {
  t.ok(etcdRunning("node: 10.0.0.2\nmetadata:\n    id: etcd\nspec:\n    running: true\n    healthy: true\n    unknown: false\n"));
  t.notOk(etcdRunning("node: 10.0.0.2\nspec:\n    running: false\n    healthy: false\n    unknown: true\n"));
  const pod = "node: 10.0.0.2\nspec:\n    apiVersion: v1\n    kind: Pod\n    spec:\n        containers:\n            - name: kube-apiserver\n              image: registry.k8s.io/kube-apiserver:v1.35.2\n";
  t.equal(apiServerVersion(pod), "1.35.2");
  t.equal(apiServerVersion(""), undefined);
  t.ok(isAlreadyBootstrapped("error executing bootstrap: rpc error: code = AlreadyExists desc = etcd data directory is not empty\n"));
  t.notOk(isAlreadyBootstrapped("error executing bootstrap: rpc error: code = FailedPrecondition desc = time is not in sync yet\n"));
  t.ok(dryRunUnchanged("Dry run summary:\nApplied configuration without a reboot (skipped in dry-run).\n\nConfig diff:\n\nNo changes.\n"));
  t.notOk(dryRunUnchanged("Dry run summary:\nApplied configuration without a reboot (skipped in dry-run).\n\nConfig diff:\n\n--- a\n+++ b\n"));
});

t.test("Talos upgrades: equal means nothing to do; one minor at a time; no downgrades across minors", async (t) => {
  const desired = { version: "v1.13.9", schematic: "abc" };
  t.notOk(needsTalosUpgrade("n", { version: "v1.13.9", schematic: "abc" }, desired));
  t.ok(needsTalosUpgrade("n", { version: "v1.13.8", schematic: "abc" }, desired), "patch release");
  t.ok(needsTalosUpgrade("n", { version: "v1.13.9", schematic: "old" }, desired), "extensions changed");
  t.ok(needsTalosUpgrade("n", { version: "v1.12.11", schematic: "abc" }, desired), "next minor");
  t.throws(() => needsTalosUpgrade("n", { version: "v1.11.6", schematic: "abc" }, desired), /set cluster\.talosVersion to the latest v1\.12\.x/);
  t.throws(() => needsTalosUpgrade("n", { version: "v1.14.0", schematic: "abc" }, desired), /does not downgrade across minors/);
});

t.test("Kubernetes steps: the same or next minor per upgrade-k8s call", async (t) => {
  t.same(kubernetesSteps("1.36.3", "1.36.3"), []);
  t.same(kubernetesSteps("1.36.1", "1.36.3"), ["1.36.3"]);
  t.same(kubernetesSteps("1.35.2", "1.36.3"), ["1.36.3"]);
  t.same(kubernetesSteps("1.33.4", "1.36.3"), ["1.34.0", "1.35.0", "1.36.3"]);
  t.throws(() => kubernetesSteps("1.36.3", "1.35.0"), /does not downgrade/);
});
