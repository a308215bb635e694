// The part of the WebAssembly JavaScript API the engine uses. TypeScript declares it only in its DOM
// library, which the engine's project leaves out (the engine runs on Node, in workers and the CLI).

declare namespace WebAssembly {
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    grow(delta: number): number;
  }
  class Module {
    constructor(bytes: BufferSource);
  }
  type ExportValue = ((...args: number[]) => unknown) | Memory;
  type Exports = Record<string, ExportValue>;
  type Imports = Record<string, Record<string, Memory | ((...args: number[]) => unknown)>>;
  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Exports;
  }
  function validate(bytes: BufferSource): boolean;
}
