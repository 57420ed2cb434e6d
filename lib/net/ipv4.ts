// IPv4 arithmetic on 32-bit unsigned integers: enough for subnets, ranges and pools.

export interface Span {
  first: number;
  last: number;
}

export function parseIPv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

export function formatIPv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** 10.0.0.0/24 -> the span of all its addresses, network and broadcast included. */
export function parseCIDR(text: string): (Span & { prefix: number }) | undefined {
  const [address, prefixText, extra] = text.split("/");
  if (address === undefined || prefixText === undefined || extra !== undefined) return undefined;
  const base = parseIPv4(address);
  if (base === undefined || !/^\d{1,2}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  const first = base - (base % size);
  return { first, last: first + size - 1, prefix };
}

/** True when the CIDR's address part is its network address (10.0.0.0/24, not 10.0.0.5/24). */
export function isNetworkAligned(text: string): boolean {
  const span = parseCIDR(text);
  return span !== undefined && parseIPv4(text.split("/")[0] ?? "") === span.first;
}

/** A MetalLB pool entry: a CIDR or a first-last range. */
export function parsePoolEntry(text: string): Span | undefined {
  if (text.includes("/")) return parseCIDR(text);
  const [from, to, extra] = text.split("-");
  if (from === undefined || to === undefined || extra !== undefined) return undefined;
  const first = parseIPv4(from.trim());
  const last = parseIPv4(to.trim());
  if (first === undefined || last === undefined || first > last) return undefined;
  return { first, last };
}

export function contains(span: Span, address: number): boolean {
  return address >= span.first && address <= span.last;
}

export function overlaps(a: Span, b: Span): boolean {
  return a.first <= b.last && b.first <= a.last;
}

export function spanText(span: Span): string {
  return span.first === span.last ? formatIPv4(span.first) : `${formatIPv4(span.first)}-${formatIPv4(span.last)}`;
}
