// Go's net/netip parsing, enough for the addresses and prefixes a homelab writes: undefined when
// Go would fail to parse, else whether the address is the unspecified one (0.0.0.0, ::).
function parseAddr(text) {
  const value = String(text);
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(value);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    // netip refuses octets above 255 and leading zeros (010.0.0.1).
    if (octets.some((octet) => octet > 255) || v4.slice(1).some((octet) => /^0\d/.test(octet))) return undefined;
    return { unspecified: octets.every((octet) => octet === 0) };
  }
  if (/^[0-9a-f:]+$/i.test(value) && value.includes(":")) return { unspecified: /^[0:]+$/.test(value) };
  return undefined;
}

function parsePrefix(text) {
  const [address, bits, extra] = String(text).split("/");
  if (extra !== undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return undefined;
  const addr = parseAddr(address);
  if (!addr) return undefined;
  const max = address.includes(":") ? 128 : 32;
  return Number(bits) <= max ? addr : undefined;
}

module.exports = { parseAddr, parsePrefix };
