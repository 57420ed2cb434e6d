// The part of the WebAssembly JS API the wasm tests use (the ES lib hangar compiles against has
// no WebAssembly declarations, and the DOM lib would bring in far more than this).
declare namespace WebAssembly {
  interface ModuleDescriptor {
    module: string;
    name: string;
    kind: string;
  }
  type Imports = Record<string, Record<string, unknown>>;
  class Module {
    constructor(bytes: Uint8Array);
    static imports(module: Module): ModuleDescriptor[];
    static exports(module: Module): { name: string; kind: string }[];
  }
  class Memory {
    readonly buffer: ArrayBuffer;
  }
  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Record<string, unknown>;
  }
}
