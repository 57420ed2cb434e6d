// Kubernetes resource quantities ("1024Mi", "500m", "1e3"), compared by value: the API server
// stores every quantity in its canonical spelling (1024Mi comes back as 1Gi), so a desired
// object and the live one can spell the same quantity differently.

const binary: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimal: Record<string, number> = { n: -9, u: -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const grammar = /^([+-]?)(\d+)?(?:\.(\d*))?(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** The exact value as a fraction, or undefined when the text is not a quantity. */
function parseQuantity(text: string): { numerator: bigint; denominator: bigint } | undefined {
  const match = grammar.exec(text);
  if (!match || (match[2] === undefined && !match[3])) return undefined;
  const [, sign, whole = "", fraction = "", suffix = ""] = match;
  let numerator = BigInt(`${whole}${fraction}` || "0") * (sign === "-" ? -1n : 1n);
  let denominator = 10n ** BigInt(fraction.length);
  const exponent = suffix in binary ? undefined : suffix in decimal ? decimal[suffix]! : Number(suffix.slice(1));
  if (exponent === undefined) numerator *= 2n ** BigInt(binary[suffix]!);
  else if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
  else denominator *= 10n ** BigInt(-exponent);
  return { numerator, denominator };
}

/** True when both texts are quantities of the same value (1024Mi and 1Gi, 0.5 and 500m). */
export function sameQuantity(a: string, b: string): boolean {
  const left = parseQuantity(a);
  const right = parseQuantity(b);
  return left !== undefined && right !== undefined && left.numerator * right.denominator === right.numerator * left.denominator;
}
