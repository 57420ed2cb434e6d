// Refuse before working, leave nothing behind: an --out folder hangar must refuse is refused
// before any flight renders (the flights' notices on stderr would show a render) and holds only
// what it held; a --config that is no regular file is refused at once, a FIFO included (reading
// it would block forever); a declaration over 1 MiB is refused with its size.
import t from "tap";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hangar } from "./helpers/hangar.ts";
import { examplePath } from "./helpers/example.ts";
import { checkOutDir, markerName, writeOutDir } from "../lib/cli/out-dir.ts";
import { byteSize, inputFileProblem } from "../lib/cli/input-file.ts";

const marker = (files: string[]) => JSON.stringify({ writtenBy: "hangar", files });

t.test("--out folders hangar must refuse: refused before rendering, nothing left behind", async (t) => {
  const dir = t.testdir();
  const cases: { name: string; setUp(out: string): void; error: RegExp }[] = [
    { name: "a marker listing a path outside the folder", setUp: (out) => writeFileSync(join(out, markerName), marker(["../escape"])), error: /lists \.\.\/escape, which is outside the folder/ },
    {
      name: "a listed file that became a folder",
      setUp: (out) => {
        writeFileSync(join(out, markerName), marker(["flights/metallb.json"]));
        mkdirSync(join(out, "flights", "metallb.json", "inside"), { recursive: true });
      },
      error: /flights\/metallb\.json is no longer the file hangar wrote there/,
    },
    {
      name: "a file of the user's where hangar writes a folder",
      setUp: (out) => {
        writeFileSync(join(out, markerName), marker([]));
        writeFileSync(join(out, "flights"), "the user's");
      },
      error: /flights is in the way of flights\/metallb\.input\.json, which hangar writes/,
    },
  ];
  for (const item of cases) {
    const out = join(dir, item.name.replace(/\W+/g, "-"));
    mkdirSync(out);
    item.setUp(out);
    const before = readdirSync(out, { recursive: true }).sort();
    const run = await hangar(["render", "--config", examplePath, "--out", out]);
    t.equal(run.code, 1, item.name);
    t.match(run.stderr, item.error, item.name);
    t.notMatch(run.stderr, /ingress-nginx: /, `${item.name}: no flight rendered (its notice would show)`);
    t.equal(run.stdout, "", `${item.name}: nothing printed`);
    t.same(readdirSync(out, { recursive: true }).sort(), before, `${item.name}: the folder holds what it held, no .hangar-partial-*`);
  }
});

t.test("a write that fails halfway leaves no staging folder, and the marker names every file", async (t) => {
  const out = join(t.testdir(), "out");
  writeOutDir(out, new Map([["flights/a.json", "1"]]));
  // A file name the file system refuses (too long) fails the write after staging began.
  t.throws(() => writeOutDir(out, new Map([["flights/b.json", "2"], [`flights/${"x".repeat(300)}`, "3"]])), /ENAMETOOLONG/);
  t.same(readdirSync(out).sort(), [markerName, "flights"], "no .hangar-partial-* left");
  t.same(checkOutDir(out), ["flights/a.json"], "the folder is still hangar's");
  t.equal(readFileSync(join(out, "flights", "a.json"), "utf8"), "1", "the previous output is untouched");
});

t.test("a leftover staging folder of an interrupted run is hangar's own: not in the way, and removed", async (t) => {
  const out = join(t.testdir(), "out");
  writeOutDir(out, new Map([["a.json", "1"]]));
  mkdirSync(join(out, ".hangar-partial-12345", "flights"), { recursive: true });
  writeOutDir(out, new Map([["a.json", "2"]]));
  t.same(readdirSync(out).sort(), [markerName, "a.json"]);
});

t.test("--config must be a regular file: a folder, a FIFO and a device are refused at once", async (t) => {
  const dir = t.testdir();
  const fifo = join(dir, "homelab.fifo");
  execFileSync("mkfifo", [fifo]);
  const refusals: [string, string][] = [
    [dir, `${dir}: is a folder, not a file`],
    [fifo, `${fifo}: is a named pipe (FIFO), not a file; reading it would wait for a writer`],
    ["/dev/zero", "/dev/zero: is a device, not a file"],
  ];
  for (const [config, message] of refusals) {
    // A FIFO nobody writes to would block the read for ever: this run ending at all is the test.
    const run = await hangar(["render", "--config", config]);
    t.equal(run.code, 1, config);
    t.equal(run.stderr, `${message}\n`, config);
    t.equal(run.stdout, "", config);
  }
  const opened = await hangar(["up", "--dry-run", "--config", fifo]);
  t.equal(opened.stderr, `${fifo}: is a named pipe (FIFO), not a file; reading it would wait for a writer\n`, "every command reads --config the same way");
});

t.test("a declaration over 1 MiB is refused with its size, before it is parsed", async (t) => {
  const big = join(t.testdir(), "homelab.yaml");
  writeFileSync(big, "");
  truncateSync(big, 50 * 1024 * 1024);
  const run = await hangar(["render", "--config", big]);
  t.equal(run.code, 1);
  t.equal(run.stderr, `${big}: is 50 MiB (52428800 bytes); a declaration is at most 1 MiB (1048576 bytes)\n`);
  const atLimit = { isFile: true, isDirectory: false, isFIFO: false, isSocket: false, isCharacterDevice: false, isBlockDevice: false, size: 1 << 20 };
  t.equal(inputFileProblem(atLimit, 1 << 20, "declaration"), undefined, "exactly the limit is read");
  t.match(inputFileProblem({ ...atLimit, size: (1 << 20) + 1 }, 1 << 20, "declaration"), /is 1 MiB \(1048577 bytes\)/);
  t.equal(byteSize(1536), "1.5 KiB (1536 bytes)");
});
