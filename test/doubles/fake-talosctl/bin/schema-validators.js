// The published Talos schemas as ajv validators, compiled once and kept in the fake's cache
// (cache.js). Compiling a schema costs about a second of CPU, and the fake runs hundreds of times
// per test file: so each definition is compiled into ajv's standalone code the first time it is
// needed, and later runs load that code in milliseconds. The entries are named by a hash of
// everything that decides the code: the schema's bytes, ajv's and ajv-formats' versions and this
// file.
const { readFileSync } = require("node:fs");
const { cached, digest, packageVersion } = require("./cache.js");

/**
 * The validators of one schema file: `byKind` maps each document kind to its $defs name, and
 * `validator(name)` is ajv's validate function for that definition (errors on `.errors`).
 */
function schemaValidators(path) {
  const text = readFileSync(path);
  const key = digest(text, packageVersion("ajv"), packageVersion("ajv-formats"), readFileSync(__filename));

  let schema;
  const parsed = () => (schema ??= JSON.parse(text.toString("utf8")));
  let ajv;
  const compiler = () => {
    if (ajv) return ajv;
    const { Ajv2020 } = require("ajv/dist/2020");
    ajv = new Ajv2020({ strict: false, allErrors: true, code: { source: true } });
    require("ajv-formats")(ajv);
    ajv.addSchema(parsed());
    return ajv;
  };

  const kinds = cached(`schemas/${key}/kinds.json`, () => {
    const byKind = {};
    for (const [name, def] of Object.entries(parsed().$defs)) for (const kind of def.properties?.kind?.enum ?? []) byKind[kind] = name;
    return JSON.stringify(byKind);
  });
  const byKind = JSON.parse(readFileSync(kinds, "utf8"));

  const loaded = {};
  const validator = (name) => {
    const file = cached(`schemas/${key}/${name}.cjs`, () => {
      const code = require("ajv/dist/standalone").default(compiler(), compiler().getSchema(`${parsed().$id}#/$defs/${name}`));
      // The generated code requires ajv's runtime and ajv-formats by name: it gets this
      // folder's require, since the cache folder has no node_modules beside it.
      return `module.exports = function load(require) {\nconst module = { exports: {} };\n${code}\nreturn module.exports;\n};\n`;
    });
    return (loaded[name] ??= require(file)(require));
  };
  return { byKind, validator };
}

module.exports = { schemaValidators };
