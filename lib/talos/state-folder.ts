// What the state folder must hold before talosctl touches a node: the configuration contract, a
// talosconfig whose client certificate is still valid, the secrets bundle (made once, never
// again), and the machine configurations generated from homelab.yaml's patches.
import { basename, join } from "node:path";
import { readdir, readFile } from "node:fs/promises";
import type { HomelabNode } from "../homelab/schema.ts";
import * as talos from "./commands.ts";
import type { GeneratedPatches } from "./commands.ts";
import { chooseContract, contractOf, inferContract, parseContract, type Contract } from "./contract.ts";
import { renderPatch, type PatchSet } from "./patches.ts";
import type { TalosSession } from "./session.ts";
import {
  adoptPrivateFile,
  ensurePrivateDir,
  exists,
  freshPrivateDir,
  makePrivate,
  removePath,
  writePrivateFileIfChanged,
} from "./state-files.ts";
import { certificateState, clientCertificateExpiry } from "./talosconfig.ts";

/** The recorded contract; a state folder from before the record gets it inferred from its config. */
export async function stateContract(session: TalosSession): Promise<{ contract: Contract; record: boolean }> {
  const { layout, homelab } = session;
  let recorded = (await exists(layout.contract)) ? parseContract(await readFile(layout.contract, "utf8")) : undefined;
  let inferred = false;
  if (!recorded && (await exists(layout.secrets))) {
    recorded = (await exists(layout.controlPlaneConfig))
      ? inferContract(await readFile(layout.controlPlaneConfig, "utf8"), homelab.cluster.talosVersion)
      : contractOf(homelab.cluster.talosVersion);
    inferred = true;
  }
  const choice = chooseContract(homelab, recorded);
  return { contract: choice.contract, record: choice.record || inferred };
}

/** A client certificate within 30 days of expiry is replaced from the secrets bundle; no node is touched. */
export async function renewTalosconfig(session: TalosSession, contract: Contract): Promise<void> {
  const { layout, io } = session;
  const state = certificateState(clientCertificateExpiry(await readFile(layout.talosconfig, "utf8")), io.now());
  if (state.state !== "renew") return;
  const when = state.expired ? "has expired" : `expires in ${state.days} days`;
  if (!(await exists(layout.secrets))) {
    throw new Error(`the client certificate in ${layout.talosconfig} ${when}, and ${layout.secrets} is missing: restore it from your backup to renew it`);
  }
  io.log(`The client certificate in ${layout.talosconfig} ${when}; renewing it from ${layout.secrets} (no node is touched)`);
  const staged = join(layout.generating, "talosconfig");
  await freshPrivateDir(layout.generating);
  await session.step(talos.genTalosconfig(session.homelab, layout, contract, staged));
  await adoptPrivateFile(staged, layout.talosconfig);
  await removePath(layout.generating);
  session.changes.push("renewed the talosconfig client certificate");
}

/** `fresh`: the nodes found in maintenance mode; secrets are made only when that is every node. */
export async function ensureSecrets(session: TalosSession, fresh: HomelabNode[], contract: Contract): Promise<void> {
  const { layout, homelab, io } = session;
  if (await exists(layout.secrets)) {
    await makePrivate(layout.secrets);
    return;
  }
  const configured = homelab.nodes.filter((node) => !fresh.includes(node));
  if (configured.length > 0) {
    // New secrets would be a new PKI: the installed nodes would never trust this tool again.
    const names = configured.map((node) => node.name).join(", ");
    throw new Error(
      `${names} did not answer in maintenance mode: boot unconfigured nodes from the Talos ISO. ` +
        `If this cluster was built before, restore ${layout.secrets} from your backup instead: hangar makes new secrets only when every node is unconfigured`,
    );
  }
  await ensurePrivateDir(layout.dir);
  await session.step(talos.genSecrets(contract, layout));
  await makePrivate(layout.secrets);
  io.log(
    `Back up ${layout.secrets} now (password manager or encrypted drive): it holds the cluster's CA keys, ` +
      "and without it this cluster can never be managed or rebuilt. hangar generated it once and will not say this again.",
  );
}

export async function generateConfigs(session: TalosSession, patches: PatchSet, contract: Contract): Promise<void> {
  const { layout } = session;
  const paths = await writePatches(session, patches);
  await freshPrivateDir(layout.generating);
  await session.step(talos.genConfig(session.homelab, layout, paths, contract));
  const generated = (name: string) => join(layout.generating, name);
  await adoptPrivateFile(generated("controlplane.yaml"), layout.controlPlaneConfig);
  await adoptPrivateFile(generated("worker.yaml"), layout.workerConfig);
  // A new talosconfig would only churn its client certificate; the existing one stays valid.
  if (!(await exists(layout.talosconfig))) await adoptPrivateFile(generated("talosconfig"), layout.talosconfig);
  await removePath(layout.generating);
}

/** Writes the patches that have documents and removes the ones homelab.yaml no longer makes. */
async function writePatches(session: TalosSession, patches: PatchSet): Promise<GeneratedPatches> {
  const { layout } = session;
  const files = new Map<string, string>();
  const add = (path: string, documents: PatchSet["common"]) => {
    if (documents.length === 0) return undefined;
    files.set(path, renderPatch(documents));
    return path;
  };
  const paths: GeneratedPatches = {
    common: add(layout.patches.common, patches.common),
    controlPlane: add(layout.patches.controlPlane, patches.controlPlane),
    worker: add(layout.patches.worker, patches.worker),
  };
  for (const { node, documents } of patches.nodes) add(layout.patches.node(node), documents);
  const dir = layout.patches.dir;
  await ensurePrivateDir(dir);
  const wanted = new Set([...files.keys()].map((path) => basename(path)));
  for (const name of await readdir(dir)) if (!wanted.has(name)) await removePath(join(dir, name));
  for (const [path, text] of files) await writePrivateFileIfChanged(path, text);
  return paths;
}
