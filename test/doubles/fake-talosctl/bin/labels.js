// Node labels, annotations and taints as Talos checks them: pkg/machinery/labels/validate.go
// (the same file at v1.13.9, v1.14.0-rc.1 and v1.14.1), a port of Kubernetes' qualified-name
// and label-value rules. Each function returns undefined or a hashicorp/go-multierror error text.

const qualifiedNamePattern = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const qualifiedName = new RegExp(`^${qualifiedNamePattern}$`);
const labelValue = new RegExp(`^(${qualifiedNamePattern})?$`);
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const validEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"]; // constants.ValidEffects
// constants.AnnotationOwned{Annotations,Labels,Taints}: Talos' own bookkeeping annotations.
const reservedAnnotations = ["talos.dev/owned-annotations", "talos.dev/owned-labels", "talos.dev/owned-taints"];

/** Go's %q for the strings these rules quote (printable ASCII and UTF-8 text). */
const quote = (text) => JSON.stringify(text);

/** hashicorp/go-multierror's text: what labels.Validate and friends return. */
function multierror(errors) {
  if (errors.length === 0) return undefined;
  return `${errors.length} error${errors.length === 1 ? "" : "s"} occurred:\n${errors.map((error) => `\t* ${error}`).join("\n")}\n\n`;
}

// Go's sort.Strings: byte order, which for these keys is UTF-16 order.
const sortedKeys = (map) => Object.keys(map ?? {}).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

function dns1123SubdomainError(value) {
  if (Buffer.byteLength(value) > 253) return `domain name length exceeds limit of 253: ${quote(value)}`;
  if (!dns1123Subdomain.test(value)) return `domain doesn't match required format: ${quote(value)}`;
  return undefined;
}

/** ValidateQualifiedName. */
function qualifiedNameError(value) {
  const parts = value.split("/");
  let name;
  if (parts.length === 1) name = parts[0];
  else if (parts.length === 2) {
    const [prefix] = parts;
    name = parts[1];
    if (prefix.length === 0) return `prefix cannot be empty: ${quote(value)}`;
    const prefixError = dns1123SubdomainError(prefix);
    if (prefixError) return `prefix ${quote(prefix)} is invalid: ${prefixError}`;
  } else return `invalid format: too many slashes: ${quote(value)}`;
  if (name.length === 0) return `name cannot be empty: ${quote(value)}`;
  if (Buffer.byteLength(name) > 63) return `name is too long: ${quote(value)} (limit is 63)`;
  if (!qualifiedName.test(name)) return `name ${quote(name)} is invalid`;
  return undefined;
}

/** ValidateLabelValue. */
function labelValueError(value) {
  if (Buffer.byteLength(value) > 63) return `label value length exceeds limit of 63: ${quote(value)}`;
  if (!labelValue.test(value)) return `label value ${quote(value)} is invalid`;
  return undefined;
}

/** labels.Validate. */
function labelsError(labels) {
  const errors = [];
  for (const key of sortedKeys(labels)) {
    const keyError = qualifiedNameError(key);
    if (keyError) errors.push(keyError);
    const valueError = labelValueError(String(labels[key] ?? ""));
    if (valueError) errors.push(valueError);
  }
  return multierror(errors);
}

/** labels.ValidateAnnotations. */
function annotationsError(annotations) {
  const errors = [];
  let size = 0;
  for (const key of sortedKeys(annotations)) {
    const keyError = qualifiedNameError(key);
    if (keyError) errors.push(keyError);
    if (reservedAnnotations.includes(key)) errors.push(`annotation ${quote(key)} is reserved`);
    size += Buffer.byteLength(key) + Buffer.byteLength(String(annotations[key] ?? ""));
  }
  if (size > 256 * 1024) errors.push(`total annotation size exceeds limit of ${256 * 1024} bytes`);
  return multierror(errors);
}

/** labels.ValidateTaints: `value:Effect` or `Effect`, the effect one Kubernetes knows. */
function taintsError(taints) {
  const errors = [];
  for (const key of sortedKeys(taints)) {
    const keyError = qualifiedNameError(key);
    if (keyError) {
      errors.push(keyError);
      continue;
    }
    const text = String(taints[key] ?? "");
    const colon = text.indexOf(":");
    const effect = colon === -1 ? text : text.slice(colon + 1);
    if (!validEffects.includes(effect)) {
      errors.push(`invalid taint effect: ${quote(effect)}`);
      continue;
    }
    const valueError = colon === -1 ? undefined : labelValueError(text.slice(0, colon));
    if (valueError) errors.push(valueError);
  }
  return multierror(errors);
}

module.exports = { labelsError, annotationsError, taintsError };
