// The published Talos schemas as ajv validators, compiled once and kept on disk. Compiling a
// schema costs about a second of CPU, and the fake runs hundreds of times per test file: so each
// validator is compiled into ajv's standalone code the first time it is needed, and later runs
// load that code in milliseconds. The cache lives outside the work tree (FAKE_TALOSCTL_CACHE, else
// $XDG_CACHE_HOME/hangar/fake-talosctl, else .cache/hangar/fake-talosctl in the account's home:
// not $HOME, which the tests point at each lab's own folder), in a folder named by a hash of
// everything that decides the code: the schema's bytes, ajv's and ajv-formats' versions and this
// file. Files are written whole and renamed into place, so parallel runs never read a partial one.
const { createHash, randomBytes } = require("node:crypto");
const { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const { userInfo } = require("node:os");
const { join } = require("node:path");

const cacheRoot = () =>
  process.env.FAKE_TALOSCTL_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(userInfo().homedir, ".cache"), "hangar", "fake-talosctl");

function writeWhole(path, text) {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

/**
 * The validators of one schema file: `byKind` maps each document kind to its $defs name, and
 * `validator(name)` is ajv's validate function for that definition (errors on `.errors`).
 */
function schemaValidators(path) {
  const text = readFileSync(path);
  const versions = ["ajv", "ajv-formats"].map((name) => require(`${name}/package.json`).version);
  const key = createHash("sha256").update(text).update(versions.join(" ")).update(readFileSync(__filename)).digest("hex").slice(0, 16);
  const dir = join(cacheRoot(), key);
  mkdirSync(dir, { recursive: true });

  let ajv;
  let schema;
  const parsed = () => (schema ??= JSON.parse(text.toString("utf8")));
  const compiler = () => {
    if (ajv) return ajv;
    const { Ajv2020 } = require("ajv/dist/2020");
    ajv = new Ajv2020({ strict: false, allErrors: true, code: { source: true } });
    require("ajv-formats")(ajv);
    ajv.addSchema(parsed());
    return ajv;
  };

  const kindsPath = join(dir, "kinds.json");
  if (!existsSync(kindsPath)) {
    const kinds = {};
    for (const [name, def] of Object.entries(parsed().$defs)) for (const kind of def.properties?.kind?.enum ?? []) kinds[kind] = name;
    writeWhole(kindsPath, JSON.stringify(kinds));
  }
  const byKind = JSON.parse(readFileSync(kindsPath, "utf8"));

  const loaded = {};
  const validator = (name) => {
    if (loaded[name]) return loaded[name];
    const file = join(dir, `${name}.cjs`);
    if (!existsSync(file)) {
      const validate = compiler().getSchema(`${parsed().$id}#/$defs/${name}`);
      const code = require("ajv/dist/standalone").default(ajv, validate);
      // The generated code requires ajv's runtime and ajv-formats by name: it gets this
      // folder's require, since the cache folder has no node_modules beside it.
      writeWhole(file, `module.exports = function load(require) {\nconst module = { exports: {} };\n${code}\nreturn module.exports;\n};\n`);
    }
    return (loaded[name] = require(file)(require));
  };
  return { byKind, validator };
}

module.exports = { schemaValidators };
