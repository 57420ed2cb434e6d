// What the up.mjs tests share: the example node's ISO schematic, which talosctl calls change a
// node, and the check that no secret reaches any output.
import type { Test } from "tap";
import { join } from "node:path";
import { nodeSchematic } from "../../lib/talos/schematic.ts";
import { edit, exampleText } from "./example.ts";
import { exampleHomelab } from "../doubles/fake-talosctl/declarations.ts";
import { secretValues, verb, type Lab } from "../doubles/fake-talosctl/harness.ts";

export const isoSchematic = nodeSchematic(exampleHomelab(), exampleHomelab().nodes[0]!).id;
const mutating = ["apply-config", "bootstrap", "upgrade", "upgrade-k8s", "gen secrets", "reset"];
export const v113 = { env: { FAKE_TALOSCTL_VERSION: "v1.13.9" } };

/** Consecutive repeats folded (polls, retries), for reading a call sequence. */
export const folded = (verbs: string[]) => verbs.filter((word, index) => word !== verbs[index - 1]);

/** Calls that change a node or the secrets (a dry-run apply changes nothing). */
export const changes = (calls: string[][]) => calls.filter((argv) => mutating.includes(verb(argv)) && !argv.includes("--dry-run"));

export function noSecretsAnywhere(t: Test, lab: Lab) {
  const secrets = secretValues(join(lab.dir, ".hangar"));
  t.ok(secrets.length >= 10, `collected ${secrets.length} secret values to look for`);
  const everything = [...lab.outputs, JSON.stringify(lab.calls())].join("\n");
  t.equal(secrets.filter((value) => everything.includes(value)).length, 0, "no secret value in any output or command line");
}

/** The example on Talos 1.13 (the v1.13 contract), for the upgrade paths. */
export const example113 = (talos = "v1.13.9", kubernetes = "1.36.3") =>
  edit(exampleText, "kubernetesVersion: 1.37.1", `kubernetesVersion: ${kubernetes}`).replace("talosVersion: v1.14.7", `talosVersion: ${talos}`);
