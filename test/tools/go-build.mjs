// Builds one Go tool of the catalog: a package of a pinned wrapper module under test/tools/
// (`module`, optionally against a second go.mod: `modfile`), or of an upstream module built inside its own source (`source`: for modules whose
// replace directives `go install` refuses), with the recipe's ldflags, build tags and env.
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expand, toolsRoot } from "./catalog.mjs";

// Go's own install folder is searched last, for shells whose PATH lacks it.
const goEnv = (extra = {}) => ({ ...process.env, PATH: `${process.env.PATH ?? ""}:/usr/local/go/bin`, ...extra });

function go(args, cwd, env, capture = false) {
  return new Promise((resolve, reject) => {
    const child = spawn("go", args, { cwd, env, stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"] });
    let out = "";
    child.stdout?.on("data", (chunk) => (out += chunk));
    child.on("error", (error) => reject(new Error(error.code === "ENOENT" ? "go is not on PATH: install Go 1.26 to build the test tools" : error.message)));
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`go ${args[0]} failed (exit ${code})`))));
  });
}

/** The upstream module's source, copied somewhere writable (the module cache is read-only). */
async function upstreamSource(source) {
  const { Dir } = JSON.parse(await go(["mod", "download", "-json", source], tmpdir(), goEnv({ GOFLAGS: "-mod=mod" }), true));
  const copy = mkdtempSync(join(tmpdir(), "hangar-tool-src-"));
  cpSync(Dir, copy, { recursive: true });
  return copy;
}

export async function buildGo(name, recipe, output) {
  const ldflags = ["-s", "-w", ...(recipe.ldflags ?? []).map((flag) => expand(flag, recipe.version))].join(" ");
  // -trimpath and no VCS stamp: the same recipe builds the same binary wherever it is built.
  // -modfile: one source tree built against a second go.mod (another release of a library).
  // -dwarf=false: the compiler writes no debug information, which -w drops at link anyway. It
  // saves about a tenth of a cold build (kube-apiserver 261 s against 287 s); the program is the
  // same, so tools built before keep their paths.
  const args = ["build", ...(recipe.modfile ? [`-modfile=${recipe.modfile}`] : []), "-trimpath", "-buildvcs=false", "-gcflags=all=-dwarf=false", `-ldflags=${ldflags}`, "-o", output];
  if (recipe.tags?.length) args.push("-tags", recipe.tags.join(","));
  args.push(recipe.package);
  const env = goEnv({ GOFLAGS: "-mod=readonly", CGO_ENABLED: "0", ...recipe.env });
  if (!recipe.source) return go(args, join(toolsRoot, recipe.module), env);
  const dir = await upstreamSource(expand(recipe.source, recipe.version));
  try {
    await go(args, dir, env);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
