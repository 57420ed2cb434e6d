// Built artefacts under dist/. `npm test` builds before running tap; tests never rebuild,
// because tap runs files in parallel and a rebuild would pull files from under another test.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export function builtFlight(name: string): string {
  const path = fileURLToPath(new URL(`../../dist/flights/${name}.js`, import.meta.url));
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` (npm test does) first`);
  return path;
}
