// The catalog of real tools the tests run: versions.json, where each built tool lives in the
// cache, and the recipe fingerprint that names it. Shared by scripts/tools.mjs (which builds) and
// test/helpers/tools.ts (which finds), so the two can never disagree on a path.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const toolsRoot = fileURLToPath(new URL(".", import.meta.url));
export const catalog = JSON.parse(readFileSync(join(toolsRoot, "versions.json"), "utf8"));

export function toolsDir() {
  return process.env.HANGAR_TOOLS_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "hangar", "tools");
}

/** `{version}` in a recipe's strings stands for the tool's version (e.g. in -X ldflags). */
export function expand(text, version) {
  return text.replaceAll("{version}", version);
}

/**
 * A short hash of everything that decides the built bytes: the recipe itself and the pinned
 * module folder (go.mod, go.sum and the sources beside them). A changed recipe is a new path, so a
 * stale build is never reused.
 */
export function fingerprint(name) {
  const recipe = catalog[name];
  const hash = createHash("sha256").update(JSON.stringify(recipe));
  if (recipe.module) {
    const folder = join(toolsRoot, recipe.module);
    for (const file of readdirSync(folder).sort()) hash.update(file).update(readFileSync(join(folder, file)));
  }
  return hash.digest("hex").slice(0, 8);
}

export function toolPath(name) {
  const recipe = catalog[name];
  if (!recipe) throw new Error(`no tool named ${name} in test/tools/versions.json`);
  return join(toolsDir(), `${name}-${recipe.version}-${fingerprint(name)}`);
}
