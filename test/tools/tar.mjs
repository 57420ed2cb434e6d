// A minimal ustar writer: directories and regular files with fixed owners, modes and a zero
// mtime, so the same entries always make the same bytes (and the same image digests).

/** @typedef {{ path: string, mode: number, uid?: number, gid?: number, data?: Buffer }} TarEntry  (no data: a directory) */

function field(block, offset, length, value) {
  block.write(value.toString(8).padStart(length - 1, "0"), offset, length - 1, "ascii");
}

function header(entry) {
  const block = Buffer.alloc(512);
  const name = entry.data ? entry.path : `${entry.path}/`;
  if (Buffer.byteLength(name) > 100) throw new Error(`tar: path too long for ustar: ${name}`);
  block.write(name, 0, 100, "utf8");
  field(block, 100, 8, entry.mode);
  field(block, 108, 8, entry.uid ?? 0);
  field(block, 116, 8, entry.gid ?? 0);
  field(block, 124, 12, entry.data?.length ?? 0);
  field(block, 136, 12, 0);
  block.fill(" ", 148, 156);
  block.write(entry.data ? "0" : "5", 156, 1, "ascii");
  block.write("ustar\u000000", 257, 8, "ascii");
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, "0")}\u0000 `, 148, 8, "ascii");
  return block;
}

/** The tar archive of entries, in the order given (parents before their children). */
export function tar(entries) {
  const parts = [];
  for (const entry of entries) {
    parts.push(header(entry));
    if (entry.data) {
      parts.push(entry.data);
      const padding = (512 - (entry.data.length % 512)) % 512;
      if (padding) parts.push(Buffer.alloc(padding));
    }
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
