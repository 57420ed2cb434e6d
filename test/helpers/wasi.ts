// Running a flight module as yoke does (argv[0] = release, YOKE_* env, input on stdin), under
// Node's node:wasi, under @bjorn3/browser_wasi_shim (an independent WASI implementation) and
// under wazero, the runtime inside yoke (the version yoke v0.20.27 embeds, and a current one).
import { WASI as NodeWASI } from "node:wasi";
import { closeSync, openSync, readFileSync, rmSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { realTool } from "./tools.ts";
import { WASI as ShimWASI, File, OpenFile, ConsoleStdout } from "@bjorn3/browser_wasi_shim";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// Every wasm memory reserves about 10 GiB of address space for its guard regions, and V8 lets a
// process reserve about 1 TiB: with some hundred finished instances not yet collected, a new
// memory may be allocated without them and move when it grows, while node:wasi keeps using the
// old address (a SIGSEGV of the whole test process; nodejs/node#52402). Each run's instance is
// collected as soon as its output is read.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

export interface WasiRun {
  code: number;
  stdout: string;
  stderr: string;
}

const yokeEnv = (release: string, namespace: string) => ({ YOKE_RELEASE: release, YOKE_NAMESPACE: namespace, NAMESPACE: namespace, YOKE_VERSION: "v0.20.27" });

export function runNodeWasi(module: WebAssembly.Module, input: string, release: string, namespace: string): WasiRun {
  const dir = mkdtempSync(join(tmpdir(), "hangar-wasi-"));
  writeFileSync(join(dir, "in"), input);
  const fds = [openSync(join(dir, "in"), "r"), openSync(join(dir, "out"), "w"), openSync(join(dir, "err"), "w")];
  try {
    const wasi = new NodeWASI({ version: "preview1", args: [release], env: yokeEnv(release, namespace), stdin: fds[0], stdout: fds[1], stderr: fds[2], returnOnExit: true });
    const code = wasi.start(new WebAssembly.Instance(module, wasi.getImportObject() as WebAssembly.Imports));
    return { code, stdout: readFileSync(join(dir, "out"), "utf8"), stderr: readFileSync(join(dir, "err"), "utf8") };
  } finally {
    fds.forEach((fd) => closeSync(fd));
    rmSync(dir, { recursive: true, force: true });
    collectGarbage();
  }
}

export function runShimWasi(module: WebAssembly.Module, input: string, release: string, namespace: string): WasiRun {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const env = Object.entries(yokeEnv(release, namespace)).map(([key, value]) => `${key}=${value}`);
  const wasi = new ShimWASI([release], env, [
    new OpenFile(new File(new TextEncoder().encode(input))),
    new ConsoleStdout((chunk) => out.push(chunk)),
    new ConsoleStdout((chunk) => err.push(chunk)),
  ]);
  const code = wasi.start(new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi.wasiImport }) as { exports: { memory: WebAssembly.Memory; _start: () => unknown } });
  const text = (chunks: Uint8Array[]) => Buffer.concat(chunks).toString("utf8");
  collectGarbage();
  return { code, stdout: text(out), stderr: text(err) };
}

/** wazero builds of test/tools/wazero-run*: v1.6.0, the one yoke v0.20.27 embeds, and v1.12.0. */
export const wazeroRuntimes = ["wazero-run-1.6", "wazero-run"] as const;
export type WazeroRuntime = (typeof wazeroRuntimes)[number];

/** Under one of the wazero builds, with yoke's default limits unless told otherwise. */
export function runWazero(runtime: WazeroRuntime, file: string, input: string, release: string, namespace: string, limits: { memoryMiB?: number; timeout?: string } = {}): WasiRun {
  const args = ["-max-memory-mib", String(limits.memoryMiB ?? 128), "-timeout", limits.timeout ?? "10s", "-namespace", namespace, file, release];
  const run = spawnSync(realTool(runtime), args, { input, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

/** The wazero version a build embeds, from the module list Go writes into every binary (what `go version -m` reads). */
export function wazeroVersion(runtime: WazeroRuntime): string | undefined {
  return readFileSync(realTool(runtime)).toString("latin1").match(/\ndep\tgithub\.com\/tetratelabs\/wazero\t(v[^\t\n]+)/)?.[1];
}
