// Builds an image of the catalog without a registry: the recipe's Go program (built as any Go
// tool is) placed at `path` on a tiny base (passwd, group, /tmp), written as an OCI image layout
// tarball named `image`, which `ctr images import` loads as it is. Same recipe, same digests.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { expand } from "./catalog.mjs";
import { buildGo } from "./go-build.mjs";
import { tar } from "./tar.mjs";

const passwd = [
  "root:x:0:0:root:/root:/sbin/nologin",
  "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin",
  "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin",
  "",
].join("\n");
const group = ["root:x:0:", "nobody:x:65534:", "nonroot:x:65532:", ""].join("\n");
const architectures = { x64: "amd64", arm64: "arm64" };

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

/** Every folder above a path, outermost first, without the leading slash. */
function parents(path) {
  const folders = [];
  for (let folder = dirname(path); folder !== "/"; folder = dirname(folder)) folders.unshift(folder.slice(1));
  return folders;
}

/** The image's only layer: the base files, the program, and the folders the recipe hands to its user. */
function layer(recipe, program) {
  const [uid, gid] = (recipe.user ?? "0:0").split(":").map(Number);
  const folders = new Map([["etc", { mode: 0o755 }], ["tmp", { mode: 0o1777 }]]);
  for (const folder of parents(recipe.path)) folders.set(folder, { mode: 0o755 });
  for (const owned of recipe.ownedDirs ?? []) {
    for (const folder of parents(owned)) if (!folders.has(folder)) folders.set(folder, { mode: 0o755 });
    folders.set(owned.slice(1), { mode: 0o755, uid, gid });
  }
  const entries = [...folders].sort(([a], [b]) => a.localeCompare(b)).map(([path, owner]) => ({ path, ...owner }));
  entries.push(
    { path: "etc/passwd", mode: 0o644, data: Buffer.from(passwd) },
    { path: "etc/group", mode: 0o644, data: Buffer.from(group) },
    { path: recipe.path.slice(1), mode: 0o755, data: program },
  );
  return tar(entries);
}

/** What the image runs and as whom, as an OCI image configuration. */
function configuration(recipe, diffId) {
  return {
    architecture: architectures[process.arch] ?? process.arch,
    os: "linux",
    created: "1970-01-01T00:00:00Z",
    config: {
      Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
      ...(recipe.entrypoint && { Entrypoint: recipe.entrypoint }),
      ...(recipe.user && { User: recipe.user }),
      WorkingDir: "/",
    },
    rootfs: { type: "layers", diff_ids: [`sha256:${diffId}`] },
  };
}

/** The OCI image layout of one image, as a tarball. */
function imageLayout(name, layerTar, recipe) {
  const blobs = [];
  const blob = (mediaType, bytes) => {
    const digest = sha256(bytes);
    blobs.push({ path: `blobs/sha256/${digest}`, mode: 0o644, data: bytes });
    return { mediaType, digest: `sha256:${digest}`, size: bytes.length };
  };
  const layerBlob = blob("application/vnd.oci.image.layer.v1.tar+gzip", gzipSync(layerTar, { level: 6 }));
  const config = blob("application/vnd.oci.image.config.v1+json", Buffer.from(JSON.stringify(configuration(recipe, sha256(layerTar)))));
  const manifest = { schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json", config, layers: [layerBlob] };
  const manifestBlob = blob(manifest.mediaType, Buffer.from(JSON.stringify(manifest)));
  const tag = name.split("@")[0].split("/").pop().split(":")[1] ?? "latest";
  const index = {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: [{ ...manifestBlob, annotations: { "io.containerd.image.name": name, "org.opencontainers.image.ref.name": tag } }],
  };
  return tar([
    { path: "oci-layout", mode: 0o644, data: Buffer.from(JSON.stringify({ imageLayoutVersion: "1.0.0" })) },
    { path: "index.json", mode: 0o644, data: Buffer.from(JSON.stringify(index)) },
    { path: "blobs", mode: 0o755 },
    { path: "blobs/sha256", mode: 0o755 },
    ...blobs,
  ]);
}

/** The image of a recipe around its built program, as an OCI image layout tarball. */
export function imageTarball(recipe, program) {
  return imageLayout(expand(recipe.image, recipe.version), layer(recipe, program), recipe);
}

export async function buildImage(name, recipe, output) {
  const work = mkdtempSync(join(tmpdir(), "hangar-image-"));
  try {
    const program = join(work, "program");
    await buildGo(name, recipe, program);
    writeFileSync(output, imageTarball(recipe, readFileSync(program)));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
