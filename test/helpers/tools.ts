// Paths of the real tools `npm run tools` builds (test/tools/versions.json) into the cache.
// The path rules live in test/tools/catalog.mjs, shared with the builder.
import { existsSync } from "node:fs";
import { catalog, toolPath, toolsDir } from "../tools/catalog.mjs";

export type ToolName = keyof typeof catalog;

export { toolsDir };

export function toolVersion(name: ToolName): string {
  return catalog[name].version;
}

/** The built tool; a missing one is a failure that says how to build it, never a skip. */
export function realTool(name: ToolName): string {
  const path = toolPath(name);
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run tools`);
  return path;
}
