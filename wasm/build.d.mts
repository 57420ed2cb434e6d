// Types of wasm/build.mjs for TypeScript callers (tests).
export function buildWasmModule(entry: string, output: string): Promise<void>;
export function buildWasmFlights(names: string[], outDir?: string): Promise<void>;
