// What the fake would otherwise redo on every call, done once and kept on disk: the tests run it
// hundreds of times per file, and each call is a new process. The cache lives outside the work
// tree: FAKE_TALOSCTL_CACHE, else $XDG_CACHE_HOME/hangar/fake-talosctl, else
// .cache/hangar/fake-talosctl in the account's home (not $HOME, which the tests point at each
// lab's own folder). Callers name entries by a hash of everything that decides their content, so
// a stale entry is never read; files are written whole and renamed into place, so parallel runs
// never read a partial one.
const { createHash, randomBytes } = require("node:crypto");
const { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const { userInfo } = require("node:os");
const { dirname, join } = require("node:path");

const cacheRoot = () =>
  process.env.FAKE_TALOSCTL_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(userInfo().homedir, ".cache"), "hangar", "fake-talosctl");

/** A short hex digest of the given strings and buffers. */
function digest(...parts) {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part).update("\0");
  return hash.digest("hex").slice(0, 16);
}

/** The path of cache entry `name`; `make()` gives its content the first time. */
function cached(name, make) {
  const path = join(cacheRoot(), name);
  if (existsSync(path)) return path;
  const content = make();
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(temporary, content);
  renameSync(temporary, path);
  return path;
}

/** An installed package's version (read from its package.json: not every package exports it). */
function packageVersion(name) {
  for (let dir = dirname(require.resolve(name)); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    const found = existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8"));
    if (found?.name === name) return found.version;
  }
  throw new Error(`no package.json names ${name}`);
}

/**
 * npm packages loaded from one bundled file: loading yaml's or cel-js' dozens of modules costs
 * 30 to 50 ms of CPU a call, a single esbuild bundle of the same code a third of that. `entry` is
 * the CommonJS source that requires them; `packages` are the ones whose versions decide it.
 */
function bundled(packages, entry) {
  const versions = packages.map((name) => `${name}@${packageVersion(name)}`);
  const path = cached(`bundles/${digest(entry, ...versions)}.cjs`, () => {
    const { buildSync } = require("esbuild");
    const stdin = { contents: entry, resolveDir: __dirname, loader: "js" };
    return buildSync({ stdin, bundle: true, platform: "node", format: "cjs", target: "node20", write: false, logLevel: "silent" }).outputFiles[0].text;
  });
  return require(path);
}

module.exports = { bundled, cached, digest, packageVersion };
