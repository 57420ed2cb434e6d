// --out DIR: hangar writes only into a folder that is new, empty, or one it wrote before, and
// deletes only files it wrote itself. A marker file in DIR lists them; anything else in DIR is
// the user's and is never touched. Problems are found before anything is rendered.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

export const markerName = ".hangar-out.json";

export class OutDirError extends Error {
  constructor(dir: string, problem: string) {
    super(`--out ${dir}: ${problem}`);
    this.name = "OutDirError";
  }
}

interface Marker {
  writtenBy: "hangar";
  files: string[];
}

/**
 * Throws an OutDirError naming the problem, or returns the files hangar wrote there before.
 * `names`: the files about to be written; each must land where nothing of the user's is in the
 * way, so the write cannot fail halfway on a folder it should have refused.
 */
export function checkOutDir(dir: string, names: readonly string[] = []): string[] {
  let stat;
  try {
    stat = statSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") throw new OutDirError(dir, `cannot use it (${code})`);
    checkCreatable(dir);
    return [];
  }
  if (!stat.isDirectory()) throw new OutDirError(dir, "exists and is not a folder");
  writable(dir);
  const entries = readdirSync(dir).filter((name) => !staging.test(name));
  if (entries.length === 0) return [];
  const marker = readMarker(dir);
  if (!marker) {
    const shown = entries.slice(0, 3).join(", ") + (entries.length > 3 ? `, … (${entries.length} entries)` : "");
    throw new OutDirError(dir, `holds files hangar did not write (${shown}); pick a new or empty folder, or one hangar wrote before`);
  }
  const listed = new Set(marker.files);
  for (const name of marker.files) {
    if (!resolve(dir, name).startsWith(resolve(dir) + sep)) throw new OutDirError(dir, `${markerName} lists ${name}, which is outside the folder; remove the marker or pick another folder`);
    const kind = lstatSync(join(dir, name), { throwIfNoEntry: false });
    if (kind && !kind.isFile()) throw new OutDirError(dir, `${name} is no longer the file hangar wrote there; move it away or pick another folder`);
  }
  for (const name of names) checkPlace(dir, name, listed);
  return marker.files;
}

/** Staging folders of this or an interrupted earlier run: hangar's own, replaced by the next write. */
const staging = /^\.hangar-partial-\d+$/;

/** The folders on the way to `name` are folders (or hangar's files), and `name` is free or hangar's. */
function checkPlace(dir: string, name: string, listed: Set<string>): void {
  const parts = relative(resolve(dir), inside(dir, join(dir, name), dir)).split(sep);
  for (let depth = 1; depth <= parts.length; depth++) {
    const part = parts.slice(0, depth).join(sep);
    const kind = lstatSync(join(dir, part), { throwIfNoEntry: false });
    if (!kind || listed.has(part) || (depth < parts.length && kind.isDirectory())) continue;
    throw new OutDirError(dir, `${part} is in the way of ${name}, which hangar writes; move it away or pick another folder`);
  }
}

/**
 * Writes `files` (relative path -> content) into DIR: staged first, then each previously
 * written file hangar recorded is removed and the new ones moved in. Files hangar did not
 * write stay where they are.
 */
export function writeOutDir(dir: string, files: Map<string, string>): void {
  const previous = checkOutDir(dir, [...files.keys()]);
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) if (staging.test(name)) rmSync(join(dir, name), { recursive: true, force: true });
  const stagingDir = join(dir, `.hangar-partial-${process.pid}`);
  try {
    for (const [name, text] of files) {
      const target = inside(dir, join(stagingDir, name), stagingDir);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
    }
    // Should the moves below stop halfway, the marker already names every file they touch.
    writeMarker(dir, [...new Set([...previous, ...files.keys()])]);
    moveIn(dir, stagingDir, [...files.keys()], previous);
  } finally {
    rmSync(stagingDir, { recursive: true, force: true });
  }
  writeMarker(dir, [...files.keys()]);
}

function writeMarker(dir: string, files: string[]): void {
  const marker: Marker = { writtenBy: "hangar", files: files.sort() };
  writeFileSync(join(dir, markerName), JSON.stringify(marker, null, 2) + "\n");
}

/** Removes what hangar wrote before, then moves the staged files in. */
function moveIn(dir: string, stagingDir: string, names: string[], previous: string[]): void {
  for (const name of previous) {
    const old = inside(dir, join(dir, name), dir);
    rmSync(old, { force: true });
    removeEmptyParents(dirname(old), resolve(dir));
  }
  for (const name of names) {
    const target = join(dir, name);
    mkdirSync(dirname(target), { recursive: true });
    renameSync(join(stagingDir, name), target);
  }
}

function readMarker(dir: string): Marker | undefined {
  const path = join(dir, markerName);
  if (!existsSync(path)) return undefined;
  try {
    const marker = JSON.parse(readFileSync(path, "utf8")) as Marker;
    if (marker.writtenBy === "hangar" && Array.isArray(marker.files) && marker.files.every((file) => typeof file === "string")) return marker;
  } catch {
    // An unreadable marker is no marker.
  }
  throw new OutDirError(dir, `${markerName} is not a marker hangar wrote; remove it or pick another folder`);
}

/** The nearest existing ancestor must be a writable folder. */
function checkCreatable(dir: string): void {
  let parent = dirname(resolve(dir));
  for (;;) {
    try {
      const stat = statSync(parent);
      if (!stat.isDirectory()) throw new OutDirError(dir, `${parent} is not a folder`);
      break;
    } catch (error) {
      if (error instanceof OutDirError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") throw new OutDirError(dir, `cannot create it (${code} on ${parent})`);
      if (dirname(parent) === parent) break;
      parent = dirname(parent);
    }
  }
  const problem = probe(parent);
  if (problem) throw new OutDirError(dir, `cannot create it: ${parent} is not writable (${problem})`);
}

function writable(dir: string): void {
  const problem = probe(dir);
  if (problem) throw new OutDirError(dir, `is not writable (${problem})`);
}

/** Creates and removes an empty folder: access(2) says yes to root even where writes fail. */
function probe(folder: string): string | undefined {
  try {
    rmdirSync(mkdtempSync(join(folder, ".hangar-probe-")));
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}

/** A path from the marker or the plan must stay inside DIR. */
function inside(dir: string, path: string, base: string): string {
  const full = resolve(path);
  if (!full.startsWith(resolve(base) + sep)) throw new OutDirError(dir, `refusing to touch ${path}, which is outside the folder`);
  return full;
}

function removeEmptyParents(folder: string, stop: string): void {
  for (let current = resolve(folder); current !== stop && current.startsWith(stop + sep); current = dirname(current)) {
    try {
      rmdirSync(current);
    } catch {
      return;
    }
  }
}
