// Types of image-build.mjs for the TypeScript tests.
export function imageTarball(recipe: { image: string; version: string; path: string; entrypoint?: string[]; user?: string; ownedDirs?: string[] }, program: Buffer): Buffer;
export function buildImage(name: string, recipe: object, output: string): Promise<void>;
