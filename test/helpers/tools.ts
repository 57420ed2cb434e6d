// Paths of the real tools `npm run tools` builds (test/tools/versions.json) into the cache.
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export type ToolName = "kube-apiserver" | "kubectl" | "etcd" | "talos-machinery" | "wazero-run" | "wazero-run-1.6";

const versions = JSON.parse(readFileSync(new URL("../tools/versions.json", import.meta.url), "utf8")) as Record<ToolName, { version: string }>;

export function toolsDir(): string {
  return process.env.HANGAR_TOOLS_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "hangar", "tools");
}

export function toolVersion(name: ToolName): string {
  return versions[name].version;
}

/** The built tool; a missing one is a failure that says how to build it, never a skip. */
export function realTool(name: ToolName): string {
  const path = join(toolsDir(), `${name}-${toolVersion(name)}`);
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run tools`);
  return path;
}
