// The pieces of lib/cli on their own: typed values, colour, the confirmation, --out folders.
import t from "tap";
import { PassThrough } from "node:stream";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseBoolean, parseDuration, parsePositiveInteger, closest } from "../lib/cli/values.ts";
import { colourEnabled } from "../lib/cli/output.ts";
import { confirmDestruction } from "../lib/cli/confirm.ts";
import { checkOutDir, markerName, writeOutDir } from "../lib/cli/out-dir.ts";
import { parseCommandLine } from "../lib/cli/program.ts";

t.test("durations, counts, booleans", async (t) => {
  t.equal(parseDuration("30s"), 30_000);
  t.equal(parseDuration("5m"), 300_000);
  t.equal(parseDuration("1m30s"), 90_000);
  t.equal(parseDuration("250ms"), 250);
  t.equal(parseDuration("300"), 300_000, "a bare number counts seconds");
  for (const bad of ["abc", "", "NaN", "5 m", "-1s", "1d", "Infinity"]) t.throws(() => parseDuration(bad), /expected a duration like 30s, 5m or 1h/, bad);
  t.throws(() => parseDuration("0"), /expected at least/);
  t.throws(() => parseDuration("500ms", 1000), /expected at least 1s/);
  t.equal(parsePositiveInteger("3"), 3);
  for (const bad of ["0", "-1", "1.5", "x", "1e3"]) t.throws(() => parsePositiveInteger(bad), /whole number of at least 1/, bad);
  t.equal(parseBoolean(undefined), true);
  t.equal(parseBoolean("true"), true);
  t.equal(parseBoolean("false"), false);
  for (const bad of ["yes", "no", "0", "1", "False", ""]) t.throws(() => parseBoolean(bad), /expected true or false/, bad);
  t.equal(closest("dryrun", ["dry-run", "diff"]), "dry-run");
  t.equal(closest("zzz", ["dry-run", "diff"]), undefined);
});

t.test("the parser returns typed options, and misuse is exit 2 with one message", async (t) => {
  const out: string[] = [];
  const err: string[] = [];
  const streams = { stdout: (text: string) => void out.push(text), stderr: (text: string) => void err.push(text) };
  const ok = parseCommandLine("reset", ["--wipe-disk=false", "--node", "cp-1", "-y"], { version: "1.2.3", streams });
  t.same(ok, { ok: true, options: { config: "homelab.yaml", wipeDisk: false, node: "cp-1", yes: true, color: true } });
  const timed = parseCommandLine("deploy", ["--timeout", "90s"], { version: "1.2.3", streams });
  t.match(timed, { ok: true, options: { timeout: 90_000 } });
  t.match(parseCommandLine("deploy", [], { version: "1.2.3", streams }), { ok: true, options: { timeout: 900_000 } }, "the default is typed too");
  t.same(parseCommandLine("reset", ["--wipe-disk=yes"], { version: "1.2.3", streams }), { ok: false, exitCode: 2 });
  t.match(err.join(""), 'error: --wipe-disk "yes": expected true or false');
  t.same(parseCommandLine("up", ["--help"], { version: "1.2.3", streams }), { ok: false, exitCode: 0 });
  t.match(out.join(""), "Usage: hangar up [options]");
});

t.test("colour: a terminal, unless NO_COLOR, --no-color or TERM=dumb; FORCE_COLOR decides outright", async (t) => {
  t.equal(colourEnabled({ env: {}, isTTY: true }), true);
  t.equal(colourEnabled({ env: {}, isTTY: false }), false);
  t.equal(colourEnabled({ env: { NO_COLOR: "1" }, isTTY: true }), false);
  t.equal(colourEnabled({ env: { NO_COLOR: "" }, isTTY: true }), true, "an empty NO_COLOR is unset (no-color.org)");
  t.equal(colourEnabled({ flag: false, env: { FORCE_COLOR: "1" }, isTTY: true }), false);
  t.equal(colourEnabled({ env: { TERM: "dumb" }, isTTY: true }), false);
  t.equal(colourEnabled({ env: { FORCE_COLOR: "0" }, isTTY: true }), false);
  t.equal(colourEnabled({ env: { FORCE_COLOR: "1" }, isTTY: false }), true);
});

t.test("confirmation: names what goes, --yes answers, no terminal means no, the typed word must match", async (t) => {
  const ask = async (input: PassThrough & { isTTY?: boolean }, yes: boolean, typed?: string) => {
    const written: string[] = [];
    if (typed !== undefined) input.end(typed);
    const answer = await confirmDestruction({ destroys: ["This resets cp-0."], typed: "cp-0", yes }, { input, write: (text) => void written.push(text) });
    return { answer, written: written.join("") };
  };
  const tty = () => Object.assign(new PassThrough(), { isTTY: true });
  const yes = await ask(new PassThrough(), true);
  t.same(yes.answer, { confirmed: true });
  t.equal(yes.written, "This resets cp-0.\n", "the question names what goes even with --yes");
  const piped = await ask(new PassThrough(), false, "cp-0\n");
  t.same(piped.answer, { confirmed: false, why: "no terminal to ask on (stdin is not a TTY); re-run with --yes to confirm" });
  const right = await ask(tty(), false, "cp-0\n");
  t.same(right.answer, { confirmed: true });
  t.match(right.written, "Type the name (cp-0) to confirm: ");
  t.same((await ask(tty(), false, "cp-1\n")).answer, { confirmed: false, why: 'the answer was "cp-1", not "cp-0"' });
  t.same((await ask(tty(), false, "")).answer, { confirmed: false, why: "no answer" });
});

t.test("--out: new, empty or hangar's own folder; never a file hangar did not write", async (t) => {
  const root = t.testdir();
  const fresh = join(root, "fresh", "deeper");
  writeOutDir(fresh, new Map([["flights/a.json", "1"], ["talos/commands.sh", "x"]]));
  t.same(JSON.parse(readFileSync(join(fresh, markerName), "utf8")).files, ["flights/a.json", "talos/commands.sh"]);
  writeFileSync(join(fresh, "flights", "mine.txt"), "the user's");
  writeOutDir(fresh, new Map([["flights/b.json", "2"]]));
  t.same(readdirSync(join(fresh, "flights")).sort(), ["b.json", "mine.txt"], "hangar's old file gone, the user's kept");
  t.notOk(existsSync(join(fresh, "talos")), "an emptied folder of hangar's is removed");

  const users = join(root, "users");
  mkdirSync(join(users, "flights"), { recursive: true });
  writeFileSync(join(users, "flights", "notes.md"), "keep me");
  t.throws(() => checkOutDir(users), { message: `--out ${users}: holds files hangar did not write (flights); pick a new or empty folder, or one hangar wrote before` });
  t.throws(() => writeOutDir(users, new Map([["flights/a.json", "1"]])));
  t.equal(readFileSync(join(users, "flights", "notes.md"), "utf8"), "keep me");

  const empty = join(root, "empty");
  mkdirSync(empty);
  t.same(checkOutDir(empty), []);
  writeFileSync(join(root, "file"), "");
  t.throws(() => checkOutDir(join(root, "file")), /exists and is not a folder/);
  t.throws(() => checkOutDir(join(root, "file", "below")), /is not a folder|cannot/);
  const started = Date.now();
  t.throws(() => checkOutDir("/proc/hangar-out"), /--out \/proc\/hangar-out: cannot create it/);
  t.ok(Date.now() - started < 1000, "an unwritable path fails at once");
  const locked = join(root, "locked");
  mkdirSync(locked);
  chmodSync(locked, 0o500);
  if (process.getuid?.() !== 0) t.throws(() => checkOutDir(join(locked, "out")), /not writable/);
  writeFileSync(join(empty, markerName), "{ not json");
  t.throws(() => checkOutDir(empty), /is not a marker hangar wrote/);
});
