// The whole project (lib, flights, scripts, wasm and the tests) type-checks under tsconfig.json's
// strict settings, unused names included: the suite runs tsc, so a type error fails CI.
import t from "tap";
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
// TypeScript 7's compiler itself, the native executable its `tsc` launcher starts: the launcher
// is an ES module that the test runner's child-process hooks cannot load.
const platformPackage = `@typescript/typescript-${process.platform}-${process.arch}/package.json`;
const tsc = join(dirname(createRequire(import.meta.url).resolve(platformPackage)), "lib", "tsc");

t.test("tsc --noEmit finds no error", async (t) => {
  const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
    execFile(tsc, ["--noEmit", "-p", "."], { cwd: root }, (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, output: stdout + stderr }));
  });
  t.equal(result.output, "", "no diagnostics");
  t.equal(result.code, 0);
});
