// `kubectl explain` (the real kubectl) against a test API server: what a user sees of a CRD's
// schema. The server publishes a CRD's OpenAPI shortly after the CRD changes and offers no watch
// for it, so a resource kubectl cannot find yet is asked for again, with backoff, until a deadline.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { realTool } from "./tools.ts";

export async function kubectlExplain(kubeconfig: string, field: string, apiVersion?: string, deadlineMs = 60_000): Promise<string> {
  const version = apiVersion ? ["--api-version", apiVersion] : [];
  const started = Date.now();
  for (let wait = 100; ; wait = Math.min(wait * 2, 2_000)) {
    // A fresh discovery cache each time: a cached one from before the CRD was served would hide it.
    const cacheDir = mkdtempSync(join(tmpdir(), "hangar-kubectl-cache-"));
    const run = spawnSync(realTool("kubectl"), ["--kubeconfig", kubeconfig, "--cache-dir", cacheDir, "explain", field, ...version], { encoding: "utf8" });
    rmSync(cacheDir, { recursive: true, force: true });
    if (run.status === 0) return run.stdout;
    if (Date.now() - started > deadlineMs) throw new Error(`kubectl explain ${field} failed for ${deadlineMs} ms: ${run.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** Text with every run of whitespace made one space: kubectl wraps and indents descriptions. */
export const normalised = (text: string): string => text.replace(/\s+/g, " ").trim();
