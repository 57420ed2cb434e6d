// A file named on the command line (--config) is read only when it is a regular file of a sane
// size: a FIFO would block forever, a device never ends, a folder is no declaration, and a
// 50 MB file is no hand-written homelab.yaml.

/** What fstat says about the file, as far as the decision needs it. */
export interface FileFacts {
  isFile: boolean;
  isDirectory: boolean;
  isFIFO: boolean;
  isSocket: boolean;
  isCharacterDevice: boolean;
  isBlockDevice: boolean;
  size: number;
}

/** The problem that stops the file from being read as `what` (e.g. "declaration"), or undefined. */
export function inputFileProblem(facts: FileFacts, limitBytes: number, what: string): string | undefined {
  if (facts.isDirectory) return "is a folder, not a file";
  if (facts.isFIFO) return "is a named pipe (FIFO), not a file; reading it would wait for a writer";
  if (facts.isSocket) return "is a socket, not a file";
  if (facts.isCharacterDevice || facts.isBlockDevice) return "is a device, not a file";
  if (!facts.isFile) return "is not a regular file";
  if (facts.size > limitBytes) return `is ${byteSize(facts.size)}; a ${what} is at most ${byteSize(limitBytes)}`;
  return undefined;
}

export function byteSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1 << 20) return `${(bytes / 1024).toFixed(1).replace(/\.0$/, "")} KiB (${bytes} bytes)`;
  return `${(bytes / (1 << 20)).toFixed(1).replace(/\.0$/, "")} MiB (${bytes} bytes)`;
}
