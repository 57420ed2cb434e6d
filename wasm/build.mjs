// The JS -> wasip1 toolchain: QuickJS 2021-03-27 (from the qjsc@0.3.0 npm tarball, pinned by
// sha256) compiled once with Debian's clang for wasm32-wasi and cached; each flight is bundled
// for the engine, compiled to QuickJS bytecode by a build-time module run under node:wasi, and
// linked with the engine and wasm/engine/host.c into dist/wasm/<name>.wasm.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, openSync, closeSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { WASI } from "node:wasi";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cache = join(root, "wasm", ".cache");
const engineDir = join(root, "wasm", "engine");
const tarball = { name: "qjsc@0.3.0", file: "qjsc-0.3.0.tgz", sha256: "4a9ed1852b334d842d5dac42d1782817ae26310b448de39532451fd45c9ba0ee" };
const sources = ["quickjs.c", "cutils.c", "libregexp.c", "libunicode.c"];
const headers = ["quickjs.h", "cutils.h", "libregexp.h", "libregexp-opcode.h", "libunicode.h", "libunicode-table.h", "list.h", "quickjs-atom.h", "quickjs-opcode.h"];
const packages = "clang lld wasi-libc libclang-rt-14-dev-wasm32";

function run(command, args, options = {}) {
  return execFileSync(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
}

function clangFlags() {
  const resource = run("clang", ["-print-resource-dir"]).toString().trim();
  return ["--target=wasm32-wasi", "-O2", "-nostdinc", "-isystem", join(resource, "include"), "-isystem", "/usr/include/wasm32-wasi", "-D_GNU_SOURCE", '-DCONFIG_VERSION="2021-03-27"'];
}

function checkToolchain() {
  try {
    run("clang", ["--version"]);
    run("wasm-ld", ["--version"]);
    if (!existsSync("/usr/include/wasm32-wasi/stdio.h")) throw new Error("wasi-libc");
  } catch {
    throw new Error(`the wasm build needs Debian's ${packages} (scripts/setup-debian.sh installs them)`);
  }
}

/** QuickJS sources from the pinned npm tarball, patched for wasm32-wasi. */
function quickjsSources() {
  const dir = join(cache, "quickjs-2021-03-27");
  if (existsSync(join(dir, "quickjs.c"))) return dir;
  mkdirSync(cache, { recursive: true });
  const file = join(cache, tarball.file);
  if (!existsSync(file)) {
    const download = mkdtempSync(join(cache, "download-"));
    run("npm", ["pack", tarball.name, "--silent", "--ignore-scripts", "--pack-destination", download]);
    renameSync(join(download, tarball.file), file);
    rmSync(download, { recursive: true, force: true });
  }
  const digest = createHash("sha256").update(readFileSync(file)).digest("hex");
  if (digest !== tarball.sha256) throw new Error(`${file}: sha256 ${digest} is not the pinned ${tarball.sha256}`);
  const staging = mkdtempSync(`${dir}.partial-`);
  const inside = "package/deps/quickjs_2021_03_27";
  run("tar", ["xzf", file, "-C", staging, "--strip-components=3", ...[...sources, ...headers].map((name) => `${inside}/${name}`)]);
  let quickjs = readFileSync(join(staging, "quickjs.c"), "utf8");
  const patch = (from, to) => {
    if (!quickjs.includes(from)) throw new Error(`quickjs.c: expected ${JSON.stringify(from)} to patch`);
    quickjs = quickjs.replace(from, to);
  };
  // wasi-libc has no threads: no Atomics.
  patch("#if !defined(EMSCRIPTEN)\n#define CONFIG_ATOMICS\n#endif", "/* CONFIG_ATOMICS off for wasm32-wasi */");
  // malloc_usable_size is declared in malloc.h, as on Linux.
  patch("#elif defined(__linux__)\n#include <malloc.h>", "#elif defined(__linux__) || defined(__wasi__)\n#include <malloc.h>");
  // wasm has only round-to-nearest: directed rounding comes from wasm/engine/rounding.c.
  patch("#include <fenv.h>", '#include <fenv.h>\n#include "rounding.h"\n#undef FE_TONEAREST\n#define FE_TONEAREST HANGAR_FE_TONEAREST\n#define FE_DOWNWARD HANGAR_FE_DOWNWARD\n#define FE_UPWARD HANGAR_FE_UPWARD\n#define fesetround hangar_fesetround');
  patch('snprintf(buf1, buf1_size, "%+.*e", n_digits - 1, d);', 'hangar_snprintf(buf1, buf1_size, "%+.*e", n_digits - 1, d);');
  patch('n = snprintf(buf, buf_size, "%.*f", n_digits, d);', 'n = hangar_snprintf(buf, buf_size, "%.*f", n_digits, d);');
  writeFileSync(join(staging, "quickjs.c"), quickjs);
  try {
    renameSync(staging, dir);
  } catch (error) {
    // Another build unpacked the same sources first.
    if (!existsSync(join(dir, "quickjs.c"))) throw error;
    rmSync(staging, { recursive: true, force: true });
  }
  return dir;
}

/** Engine objects, cached by a hash of every source and flag that goes into them. */
function engineObjects() {
  const src = quickjsSources();
  const flags = [...clangFlags(), "-I", src, "-I", engineDir];
  const inputs = [...sources.map((name) => join(src, name)), ...readdirSync(engineDir).map((name) => join(engineDir, name))];
  const hash = createHash("sha256");
  for (const input of inputs) hash.update(input.split("/").pop()).update(readFileSync(input));
  hash.update(flags.join(" "));
  const dir = join(cache, `engine-${hash.digest("hex").slice(0, 16)}`);
  const objects = [...sources.map((name) => join(src, name)), join(engineDir, "rounding.c"), join(engineDir, "host.c"), join(engineDir, "compile.c")].map((input) => ({
    input,
    output: join(dir, input.split("/").pop().replace(/\.c$/, ".o")),
  }));
  if (!existsSync(join(dir, "done"))) {
    // Built aside and renamed into place whole: builds running at once never read half an object.
    const staging = mkdtempSync(`${dir}.partial-`);
    for (const { input, output } of objects) run("clang", [...flags, "-c", input, "-o", join(staging, output.split("/").pop())]);
    writeFileSync(join(staging, "done"), "");
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(staging, dir);
    } catch (error) {
      // Another build put the same objects in place first.
      if (!existsSync(join(dir, "done"))) throw error;
      rmSync(staging, { recursive: true, force: true });
    }
  }
  const engine = objects.filter(({ input }) => !/(host|compile)\.c$/.test(input)).map(({ output }) => output);
  return { dir, flags, engine, host: join(dir, "host.o"), compile: join(dir, "compile.o") };
}

const linkFlags = ["-Wl,-z,stack-size=1048576", "-Wl,--stack-first", "-Wl,--strip-all", "-lm"];

function compilerModule(objects) {
  const output = join(objects.dir, "compile.wasm");
  if (!existsSync(output)) linkAtomically([objects.compile], objects, output);
  return output;
}

/** Bundles an entry point for the engine: node's host swapped for wasm/host.ts. */
async function bundle(entry) {
  const hostSwap = {
    name: "wasm-host",
    setup(build) {
      build.onResolve({ filter: /node-host\.ts$/ }, () => ({ path: join(root, "wasm", "host.ts") }));
    },
  };
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: "iife",
    target: "es2020",
    platform: "neutral",
    minify: true,
    legalComments: "none",
    write: false,
    logLevel: "error",
    plugins: [hostSwap],
  });
  return result.outputFiles[0].text;
}

/** Runs the compiler module under node:wasi: source on stdin, bytecode on stdout. */
function toBytecode(compiler, source, workDir) {
  const sourceFile = join(workDir, "flight.js");
  const bytecodeFile = join(workDir, "flight.qbc");
  writeFileSync(sourceFile, source);
  const stdin = openSync(sourceFile, "r");
  const stdout = openSync(bytecodeFile, "w");
  try {
    const wasi = new WASI({ version: "preview1", args: ["compile"], env: {}, stdin, stdout, returnOnExit: true });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(compiler)), wasi.getImportObject());
    const code = wasi.start(instance);
    if (code !== 0) throw new Error(`compiling the bundle to bytecode failed (exit ${code})`);
  } finally {
    closeSync(stdin);
    closeSync(stdout);
  }
  return readFileSync(bytecodeFile);
}

/** Links objects with the engine into a module written aside and renamed into place. */
function linkAtomically(inputs, objects, output) {
  const partial = `${output}.partial-${process.pid}`;
  run("clang", [...objects.flags, ...inputs, ...objects.engine, ...linkFlags, "-o", partial]);
  renameSync(partial, output);
}

/** Builds one entry point (a flight's main.ts, or any script using lib/flight/node-host.ts) to a module. */
export async function buildWasmModule(entry, output) {
  checkToolchain();
  const objects = engineObjects();
  // A folder of this build's own: builds of the same flight at once share nothing unfinished.
  const workDir = mkdtempSync(join(tmpdir(), "hangar-wasm-build-"));
  try {
    mkdirSync(dirname(output), { recursive: true });
    const bytecode = toBytecode(compilerModule(objects), await bundle(entry), workDir);
    const cFile = join(workDir, "bytecode.c");
    writeFileSync(cFile, `const unsigned int hangar_bytecode_size = ${bytecode.length};\nconst unsigned char hangar_bytecode[] = {${[...bytecode].join(",")}};\n`);
    linkAtomically([objects.host, cFile], objects, output);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

export async function buildWasmFlights(names, outDir = join(root, "dist", "wasm")) {
  for (const name of names) await buildWasmModule(join(root, "flights", name, "main.ts"), join(outDir, `${name}.wasm`));
}
