// Reading homelab.yaml: refused at once when it is no regular file of a sane size (before
// anything else happens), then parsed and checked by lib/homelab; warnings go to stderr.
import { closeSync, constants, fstatSync, openSync, readFileSync } from "node:fs";
import { parseHomelab } from "../../lib/homelab/load.ts";
import { inputFileProblem } from "../../lib/cli/input-file.ts";
import { warn } from "./console.mjs";

/** homelab.yaml is written by hand: a few KiB. */
export const declarationLimitBytes = 1 << 20;

/** The declaration's text; throws one printable line when it cannot or must not be read. */
export function readDeclarationText(configPath, what = "declaration") {
  let fd;
  try {
    // Non-blocking: opening a FIFO nobody writes to would otherwise wait forever.
    fd = openSync(configPath, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new Error(`${configPath}: cannot read the ${what} (${err.code ?? err.message})`);
  }
  try {
    const stat = fstatSync(fd);
    const problem = inputFileProblem(
      {
        isFile: stat.isFile(),
        isDirectory: stat.isDirectory(),
        isFIFO: stat.isFIFO(),
        isSocket: stat.isSocket(),
        isCharacterDevice: stat.isCharacterDevice(),
        isBlockDevice: stat.isBlockDevice(),
        size: stat.size,
      },
      declarationLimitBytes,
      what,
    );
    if (problem) throw new Error(`${configPath}: ${problem}`);
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}

/** Reads and checks homelab.yaml (warnings to stderr); throws one printable message on bad input. */
export function loadDeclaration(configPath) {
  const { homelab, warnings } = parseHomelab(readDeclarationText(configPath), configPath);
  warnings.forEach((line) => warn(line));
  return homelab;
}
