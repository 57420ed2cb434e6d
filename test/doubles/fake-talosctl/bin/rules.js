// What Talos rejects in a machine configuration, for the fake talosctl: the published JSON schema
// of the Talos release in force, plus the semantic rules the schema does not express, each
// citing the Talos source it mirrors: v1.13.9 for 1.12 and 1.13; for 1.14 the Go source of
// v1.14.0-rc.1 and v1.14.1 (kube-documents.js, conflicts.js, disk-selector.js, labels.js), held
// to real v1.14.1 machinery by test/talos-machinery-1.14*.test.ts. Options: `minor`, the Talos minor
// in force, and `version`, its full tag (for wording that changed within a minor).
// Errors are returned as Talos words them; validate() formats them as talosctl validate prints
// them (hashicorp/go-multierror: "N error(s) occurred:\n\t* ...").
const { join } = require("node:path");
const { parseAddr, parsePrefix } = require("./netip.js");
const { conflictErrors } = require("./conflicts.js");
const { kubeDocumentRules } = require("./kube-documents.js");
const { schemaValidators } = require("./schema-validators.js");

const upstream = process.env.FAKE_TALOSCTL_UPSTREAM ?? join(__dirname, "..", "..", "..", "..", "..", "shared", "upstream");
const schemaFiles = { "1.13": "talos-config.schema-v1.13.9.json", "1.14": "talos-config.schema-v1.14.0-rc.1.json" };

/** `v1.13.9` / `v1.13` -> 13 (major 1 assumed: every Talos release so far). */
const minorNumber = (version) => Number(String(version).replace(/^v/, "").split(".")[1]);

/** The schema of a Talos minor: 1.12 and 1.13 use v1.13.9's (the oldest stored), 1.14 and newer v1.14.0-rc.1's. */
const schemaKey = (minor) => (minor >= 14 ? "1.14" : "1.13");

const schemas = {};
function schemaFor(minor) {
  const key = schemaKey(minor);
  if (schemas[key]) return schemas[key];
  const { byKind, validator } = schemaValidators(join(upstream, schemaFiles[key]));
  return (schemas[key] = { byKind, validator, hasKind: (kind) => kind in byKind });
}

const isObject = (value) => typeof value === "object" && value !== null && !Array.isArray(value);

/** Documents' identity as Talos prints it (container.go docID): Kind, plus /name for named documents. */
const docId = (doc) => (doc.name !== undefined ? `${doc.kind}/${doc.name}` : doc.kind);

// Fields Talos still decodes but leaves out of its published schema (deprecated, docgen-hidden):
// real gen config output carries them (the stability fixtures: `persist` in every contract,
// `machine.network` in v1.12's, `machine.install.extraKernelArgs` with kernel arguments).
function withoutHiddenFields(config) {
  const copy = structuredClone(config);
  delete copy.persist;
  if (isObject(copy.machine)) {
    delete copy.machine.network;
    if (isObject(copy.machine.install)) delete copy.machine.install.extraKernelArgs;
  }
  return copy;
}

// The v1.14.0-rc.1 schema names the install document's kind "UnattendedInstall", but gen config
// at the same tag emits (and machinery registers) "UnattendedInstallConfig"; v1.14.1's schema
// says UnattendedInstallConfig (and otherwise differs from rc.1's in descriptions and one
// container field hangar does not use).
const kindAliases = { UnattendedInstallConfig: "UnattendedInstall" };

/**
 * A key set to null is a key not set: Go's YAML decoder leaves the field zero (nil pointer),
 * and Talos 1.14's own gen config writes `wipe: null` under a patched `machine.install`.
 */
function withoutNullKeys(value) {
  if (Array.isArray(value)) return value.map(withoutNullKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, child]) => child !== null).map(([key, child]) => [key, withoutNullKeys(child)]));
}

function schemaErrors(doc, minor, v1alpha1Minor) {
  doc = withoutNullKeys(doc);
  const schema = schemaFor(doc.kind ? minor : v1alpha1Minor);
  const name = doc.kind ? schema.byKind[kindAliases[doc.kind] ?? doc.kind] : "v1alpha1.Config";
  if (!doc.kind) doc = withoutHiddenFields(doc);
  else if (kindAliases[doc.kind]) doc = { ...doc, kind: kindAliases[doc.kind] };
  // configloader/internal/decoder: a kind the release does not know cannot be decoded.
  if (!name) return [`unknown document kind ${doc.apiVersion ?? ""}/${doc.kind}`];
  const validate = schema.validator(name);
  if (validate(doc)) return [];
  return validate.errors.map((error) => `${doc.kind ? docId(doc) : "v1alpha1"}: ${error.instancePath || "/"} ${error.message}${error.params?.additionalProperty ? ` (${error.params.additionalProperty})` : ""}`);
}

/** pkg/machinery/config/types/network/link.go: LinkConfigV1Alpha1.Validate and CommonLinkConfig.Validate. */
function linkConfigErrors(doc) {
  const errors = [];
  if (!doc.name) errors.push("name must be specified");
  (doc.addresses ?? []).forEach((entry, index) => {
    const prefix = entry?.address === undefined ? null : parsePrefix(entry.address);
    if (prefix === null) errors.push(`address ${index} must be specified`);
    else if (prefix === undefined) errors.push(`address ${index} must be a valid IP prefix`);
    else if (prefix.unspecified) errors.push(`address ${index} must be a valid IP address`);
  });
  (doc.routes ?? []).forEach((route, index) => {
    // An omitted destination is the default route; 0.0.0.0/0 is "unspecified" and rejected.
    if (route.destination !== undefined) {
      const prefix = parsePrefix(route.destination);
      if (!prefix || prefix.unspecified) errors.push(`route ${index} destination must be a valid IP prefix`);
    }
    if (route.gateway !== undefined) {
      const addr = parseAddr(route.gateway);
      if (!addr || addr.unspecified) errors.push(`route ${index} gateway must be a valid IP address`);
    }
  });
  return errors;
}

/** pkg/machinery/config/types/network/hostname.go: HostnameConfigV1Alpha1.Validate. */
function hostnameConfigErrors(doc) {
  const errors = [];
  if (doc.auto === undefined && !doc.hostname) errors.push("either 'auto' or 'hostname' must be set");
  if ((doc.auto ?? "") !== "off" && doc.hostname) errors.push("'auto' and 'hostname' cannot be set at the same time");
  if (!["off", "stable"].includes(doc.auto ?? "")) errors.push(`invalid value for 'auto': ${doc.auto ?? ""}`);
  if (doc.hostname) {
    if (doc.hostname.length > 253) errors.push(`fqdn is too long: ${doc.hostname.length}`);
    const host = doc.hostname.split(".")[0];
    if (host.length === 0 || host.length > 63) errors.push(`invalid hostname "${host}"`);
  }
  return errors;
}

/** pkg/machinery/config/types/network/link_alias.go: LinkAliasConfigV1Alpha1.Validate. */
function linkAliasErrors(doc) {
  const errors = [];
  if (!doc.name) errors.push("name must be specified");
  if (!doc.selector?.match) errors.push("link selector is required");
  return errors;
}

/** pkg/machinery/config/types/network/layer2_vip.go: Layer2VIPConfigV1Alpha1.Validate. */
function layer2VipErrors(doc) {
  const errors = [];
  if (!doc.name) errors.push("name must be specified");
  else if (!parseAddr(doc.name)) errors.push(`name must be a valid IP address: ParseAddr(${JSON.stringify(doc.name)}): unable to parse IP`);
  if (!doc.link) errors.push("link must be specified");
  return errors;
}

const documentRules = { LinkConfig: linkConfigErrors, HostnameConfig: hostnameConfigErrors, LinkAliasConfig: linkAliasErrors, Layer2VIPConfig: layer2VipErrors, ...kubeDocumentRules };

/**
 * pkg/machinery/config/types/v1alpha1/v1alpha1_validation.go, metal mode (RequiresInstall): up to
 * v1.13 `.machine.install` is required; from v1.14 (the release's code, whatever the contract) it
 * is optional, as UnattendedInstallConfig replaces it, and checked only when present.
 */
function v1alpha1Errors(config, minor) {
  const install = config.machine?.install;
  if (!install) return minor >= 14 ? [] : ['install instructions are required in "metal" mode'];
  if (!install.disk && !install.diskSelector) return ["either install disk or diskSelector should be defined"];
  return [];
}

/**
 * What fails to decode: the schema of the release (unknown kinds and fields) and duplicates. The
 * v1alpha1 document is checked with v1.13.9's schema even on 1.14: Talos 1.14 still decodes the
 * deprecated fields its own schema leaves out (machine.install, machine.nodeLabels, ...); mixing
 * them with their new documents is a Validate error (conflictErrors).
 */
function decodeErrors(documents, { minor }) {
  const config = documents.find((doc) => doc.version === "v1alpha1" && !doc.kind) ?? {};
  const others = documents.filter((doc) => doc !== config);
  const v1alpha1Minor = Math.min(minor, 13);
  const errors = [];
  const seen = new Set();
  for (const doc of others) {
    // configloader/internal/decoder/decoder.go: duplicate documents are refused.
    const id = `${doc.apiVersion}/${doc.kind}/${doc.name ?? ""}`;
    if (seen.has(id)) errors.push(`duplicate document ${id} is not allowed`);
    seen.add(id);
  }
  if (Object.keys(config).length > 0) errors.push(...schemaErrors(config, minor, v1alpha1Minor));
  for (const doc of others) errors.push(...schemaErrors(doc, minor, v1alpha1Minor));
  return errors;
}

/**
 * Every error Talos `minor` reports for these documents in metal mode, as multierror bullets:
 * decoding first (as configloader does), then Validate and the conflict checks
 * (container.Validate in pkg/machinery/config/container/container.go).
 */
function configErrors(documents, options) {
  const errors = decodeErrors(documents, options);
  if (errors.length > 0) return errors;
  const config = documents.find((doc) => doc.version === "v1alpha1" && !doc.kind) ?? {};
  const others = documents.filter((doc) => doc !== config);
  const { minor } = options;
  const v1 = Object.keys(config).length > 0 ? v1alpha1Errors(config, minor) : [];
  if (v1.length > 0) errors.push(`v1alpha1.Config: ${v1.length} error${v1.length === 1 ? "" : "s"} occurred:\n\t${v1.map((line) => `* ${line}`).join("\n\t")}\n\n`);
  for (const doc of others) {
    const rule = documentRules[doc.kind];
    const found = rule ? rule(doc, options) : [];
    if (found.length > 0) errors.push(`${docId(doc)}: ${found.join("\n")}`);
  }
  errors.push(...conflictErrors(config, others));
  return errors;
}

/** hashicorp/go-multierror's format, as talosctl validate and the apply API print it. */
function multierror(errors) {
  return `${errors.length} error${errors.length === 1 ? "" : "s"} occurred:\n${errors.map((error) => `\t* ${error}`).join("\n")}\n\n`;
}

/** The Talos minor a v1.14-contract configuration needs: documents only v1.14 knows. */
function needsMinor(documents) {
  const v14 = schemaFor(14);
  const v13 = schemaFor(13);
  const kind = (doc) => kindAliases[doc.kind] ?? doc.kind;
  return documents.some((doc) => doc.kind && v14.hasKind(kind(doc)) && !v13.hasKind(kind(doc))) ? 14 : 12;
}

module.exports = { configErrors, decodeErrors, multierror, minorNumber, needsMinor, isObject };
