// Kubernetes resource quantities (`1024Mi`, `100m`, `1.5`) written the way the API server stores
// them: it parses every quantity and writes it back canonically (apimachinery resource.Quantity
// CanonicalizeBytes), so `1024Mi` comes back as `1Gi` and `1000m` as `1`. Comparing canonical
// forms tells whether applying a quantity would change what is stored.

const binary: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const decimal: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const decimalSuffix = new Map(Object.entries(decimal).map(([suffix, exponent]) => [exponent, suffix]));
const binarySuffix = new Map(Object.entries(binary).map(([suffix, power]) => [power, suffix]));

const pattern = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

/** The server's text for a quantity, or undefined when the text is not a quantity. */
export function canonicalQuantity(text: string): string | undefined {
  const match = pattern.exec(text);
  if (!match) return undefined;
  const [, sign, number, suffix = "", exponentText] = match;
  const [whole, fraction = ""] = number!.split(".");
  // The value is digits × 10^exponent exactly (binary multipliers are whole numbers).
  let digits = BigInt(`${whole}${fraction}` || "0");
  let exponent = -fraction.length;
  const format = exponentText !== undefined ? "exponent" : suffix in binary ? "binary" : "decimal";
  if (format === "exponent") exponent += Number(exponentText);
  else if (format === "binary") digits *= 1024n ** BigInt(binary[suffix]!);
  else exponent += decimal[suffix]!;
  if (digits === 0n) return "0";
  const negative = sign === "-";
  // Nothing finer than a nano: smaller parts round up, away from zero.
  if (exponent < -9) {
    const scale = 10n ** BigInt(-9 - exponent);
    digits = (digits + scale - 1n) / scale;
    exponent = -9;
  }
  if (format === "binary") {
    const whole = exponent >= 0 ? digits * 10n ** BigInt(exponent) : digits % 10n ** BigInt(-exponent) === 0n ? digits / 10n ** BigInt(-exponent) : undefined;
    if (whole !== undefined && whole >= 1024n) return `${negative ? "-" : ""}${base1024(whole)}`;
    // Under 1Ki, or not a whole number of bytes: written as a decimal quantity.
  }
  while (digits % 10n === 0n) {
    digits /= 10n;
    exponent += 1;
  }
  // Exponents step by 3, as the suffixes do.
  while (((exponent % 3) + 3) % 3 !== 0) {
    digits *= 10n;
    exponent -= 1;
  }
  const unit = format === "exponent" || !decimalSuffix.has(exponent) ? (exponent === 0 ? "" : `e${exponent}`) : decimalSuffix.get(exponent)!;
  return `${negative ? "-" : ""}${digits}${unit}`;
}

function base1024(bytes: bigint): string {
  let power = 0;
  while (power < 6 && bytes % 1024n === 0n) {
    bytes /= 1024n;
    power += 1;
  }
  return `${bytes}${binarySuffix.get(power) ?? ""}`;
}

/** Fields whose values are quantities: resource lists (`limits`, `requests`, quota `hard`, ...) and sizes. */
export function isQuantityField(path: readonly string[]): boolean {
  const [parent, key] = path.slice(-2);
  return key === "sizeLimit" || (parent !== undefined && ["limits", "requests", "hard", "overhead", "capacity"].includes(parent));
}

/** Would applying `desired` store the same quantity the server holds as `live`? */
export function sameQuantity(desired: string, live: string): boolean {
  const stored = canonicalQuantity(desired);
  return stored !== undefined && stored === canonicalQuantity(live);
}
