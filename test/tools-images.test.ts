// The images the real node runs are built here, not pulled: each is an OCI image layout tarball
// (test/tools/image-build.mjs) named exactly as the flights render it. GNU tar reads what the
// hand-written tar writer makes.
import t from "tap";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { imageTarball } from "./tools/image-build.mjs";
import { catalog, expand } from "./tools/catalog.mjs";
import { flights } from "../flights/index.ts";
import { renderPlan } from "../lib/flight/plan.ts";
import { parseHomelab } from "../lib/homelab/load.ts";
import { exampleText } from "./helpers/example.ts";

const gatewayExample = readFileSync(fileURLToPath(new URL("../examples/gateway.yaml", import.meta.url)), "utf8");

/** Every container image the flights render for a declaration. */
function renderedImages(text: string): string[] {
  const plan = renderPlan(parseHomelab(text, "homelab.yaml").homelab, flights);
  return plan.flatMap((flight) => flight.stages.flat()).flatMap((resource: any) => {
    const pod = resource.spec?.template?.spec;
    return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])].map((container: { image: string }) => container.image);
  });
}

const images = Object.values(catalog).filter((recipe: any) => recipe.kind === "image").map((recipe: any) => expand(recipe.image, recipe.version));

t.test("every image the flights render for the examples is a catalog image of that exact name", async (t) => {
  const rendered = [...new Set([...renderedImages(exampleText), ...renderedImages(gatewayExample)])].sort();
  t.same(rendered, [
    "docker.io/envoyproxy/gateway:v1.9.0",
    "quay.io/metallb/controller:v0.16.1",
    "quay.io/metallb/speaker:v0.16.1",
    "registry.k8s.io/ingress-nginx/controller:v1.15.1@sha256:594ceea76b01c592858f803f9ff4d2cb40542cae2060410b2c95f75907d659e1",
    "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.6.9@sha256:01038e7de14b78d702d2849c3aad72fd25903c4765af63cf16aa3398f5d5f2dd",
  ]);
  for (const image of rendered) t.ok(images.includes(image), `${image} is built by npm run tools`);
});

t.test("an image tarball is an OCI layout that GNU tar reads: named, for this platform, the program at its path", async (t) => {
  const dir = t.testdir();
  const program = Buffer.from("#!/bin/sh\necho played\n");
  const recipe = { image: "example.test/tools/thing:{version}", version: "v1.2.3", path: "/usr/local/bin/thing", entrypoint: ["/usr/local/bin/thing"], user: "65532:65532", ownedDirs: ["/var/lib/thing"] };
  const tarball = join(dir, "image.tar");
  writeFileSync(tarball, imageTarball(recipe, program));
  t.same(imageTarball(recipe, program), readFileSync(tarball), "the same recipe makes the same bytes");
  execFileSync("tar", ["-xf", tarball, "-C", dir]);
  const blob = (digest: string) => readFileSync(join(dir, "blobs", ...digest.split(":")));
  const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8"));
  t.same(index.manifests[0].annotations, { "io.containerd.image.name": "example.test/tools/thing:v1.2.3", "org.opencontainers.image.ref.name": "v1.2.3" });
  const manifest = JSON.parse(blob(index.manifests[0].digest).toString());
  const config = JSON.parse(blob(manifest.config.digest).toString());
  t.match(config, { os: "linux", architecture: "amd64", config: { Entrypoint: ["/usr/local/bin/thing"], User: "65532:65532" } });
  const layer = blob(manifest.layers[0].digest);
  t.equal(config.rootfs.diff_ids[0], `sha256:${execFileSync("sha256sum", { input: gunzipSync(layer) }).toString().split(" ")[0]}`, "diff_id is the uncompressed layer's digest");
  writeFileSync(join(dir, "layer.tar.gz"), layer);
  const listing = execFileSync("tar", ["-tvzf", join(dir, "layer.tar.gz"), "--numeric-owner"], { encoding: "utf8" });
  t.match(listing, new RegExp(`-rwxr-xr-x 0/0 +${program.length} 1970-01-01 00:00 usr/local/bin/thing`));
  t.match(listing, /drwxr-xr-x 65532\/65532 +0 1970-01-01 00:00 var\/lib\/thing\//);
  t.match(listing, /drwxrwxrwt 0\/0 +0 1970-01-01 00:00 tmp\//);
  t.match(execFileSync("tar", ["-xOzf", join(dir, "layer.tar.gz"), "usr/local/bin/thing"], { encoding: "utf8" }), "echo played");
});
