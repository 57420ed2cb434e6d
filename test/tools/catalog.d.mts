// Types of catalog.mjs for the TypeScript tests.
import type versions from "./versions.json";

export type Catalog = typeof versions;
export const toolsRoot: string;
export const catalog: Catalog;
export function toolsDir(): string;
export function expand(text: string, version: string): string;
export function fingerprint(name: keyof Catalog): string;
export function toolPath(name: keyof Catalog): string;
