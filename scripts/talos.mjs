// Glue between the zx scripts and lib/talos: the real talosctl, the real Image Factory, the
// console, and where the state folder lives (.hangar/ beside homelab.yaml).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { importDist } from "./flights.mjs";

/** Reads and checks homelab.yaml (warnings to stderr); throws one printable message on bad input. */
export async function loadDeclaration(configPath) {
  const { parseHomelab } = await importDist("homelab/load.js");
  let text;
  try {
    text = await readFile(configPath, "utf8");
  } catch (err) {
    throw new Error(`${configPath}: cannot read the declaration (${err.code ?? err.message})`);
  }
  const { homelab, warnings } = parseHomelab(text, configPath);
  warnings.forEach((line) => console.error(line));
  return homelab;
}

export async function loadTalos() {
  const [converge, layout, talosctl, factory, files, patches, local, plan, cluster] = await Promise.all(
    ["converge", "layout", "talosctl", "factory", "state-files", "patches", "local", "plan", "cluster"].map((name) =>
      importDist(`talos/${name}.js`),
    ),
  );
  return { ...converge, ...layout, ...talosctl, ...factory, ...files, ...patches, ...local, ...plan, ...cluster };
}

export function stateDirFor(configPath) {
  return path.join(path.dirname(configPath), ".hangar");
}

/** What lib/talos needs from the outside world; progress goes to stdout. */
export function consoleIO(talos) {
  const factoryUrl = process.env.HANGAR_IMAGE_FACTORY_URL ?? talos.defaultFactoryUrl;
  return {
    talosctl: talos.runTalosctl,
    log: (line) => console.log(line),
    registerSchematic: (yaml, id) => talos.registerSchematic(factoryUrl, yaml, id),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => Date.now(),
  };
}

/** The Tailscale auth key, read only when a node runs the extension. */
export async function tailscaleKeyFor(talos, homelab, layout) {
  return talos.needsTailscaleKey(homelab) ? talos.readTailscaleAuthKey(process.env, layout.tailscaleAuthKey) : undefined;
}
