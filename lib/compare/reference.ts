// A folder of rendered manifests -> releases. The layout is the one `helmfile template
// --output-dir DIR --output-dir-template '{{ .OutputDir }}/{{ .Release.Name }}'` writes: one
// folder per release, manifests anywhere below it. Files directly in DIR belong to no known
// release (name "").
import { parseManifests } from "./manifests.ts";
import type { RenderedRelease } from "./compare.ts";

export interface ManifestFile {
  /** Path relative to the folder, `/`-separated. */
  path: string;
  text: string;
}

export const isManifestPath = (path: string): boolean => /\.ya?ml$/.test(path);

export function releasesFromFiles(files: readonly ManifestFile[], source: string): RenderedRelease[] {
  const releases = new Map<string, RenderedRelease & { objects: RenderedRelease["objects"][number][] }>();
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    const slash = file.path.indexOf("/");
    const name = slash < 0 ? "" : file.path.slice(0, slash);
    const release = releases.get(name) ?? { name, objects: [] };
    release.objects.push(...parseManifests(file.text, `${source}/${file.path}`));
    releases.set(name, release);
  }
  return [...releases.values()];
}
