// Writing the state folder: owner-only permissions, and whole files or nothing.
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

/** Writes through a temporary file in the same folder, so readers see the old bytes or the new ones. */
export async function writePrivateFile(path: string, data: string): Promise<void> {
  await ensurePrivateDir(dirname(path));
  const temporary = join(dirname(path), `.${process.pid}.tmp`);
  await writeFile(temporary, data, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}

/** Moves a file talosctl wrote into place, tightening its mode first (gen config writes 0644). */
export async function adoptPrivateFile(from: string, to: string): Promise<void> {
  await chmod(from, 0o600);
  await rename(from, to);
}

export async function makePrivate(path: string): Promise<void> {
  await chmod(path, 0o600);
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}

export async function freshPrivateDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await ensurePrivateDir(dir);
}

export async function removePath(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

/** The Tailscale auth key: the environment first, then the state folder; never homelab.yaml. */
export async function readTailscaleAuthKey(env: NodeJS.ProcessEnv, file: string): Promise<string | undefined> {
  const fromEnv = env.HANGAR_TAILSCALE_AUTHKEY?.trim();
  if (fromEnv) return fromEnv;
  if (!(await exists(file))) return undefined;
  return (await readFile(file, "utf8")).trim() || undefined;
}

/** Only files that differ are rewritten, so a converged run leaves the folder untouched. */
export async function writePrivateFileIfChanged(path: string, data: string): Promise<boolean> {
  if ((await exists(path)) && (await readFile(path, "utf8")) === data) {
    await makePrivate(path);
    return false;
  }
  await writePrivateFile(path, data);
  return true;
}
