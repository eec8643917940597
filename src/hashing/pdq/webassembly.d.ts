// The few WebAssembly globals the PDQ kernels use. Node provides them at run time; TypeScript declares them only in
// its DOM library, which the server build leaves out so browser types cannot leak into server code.
declare namespace WebAssembly {
  interface Memory {
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: Record<string, unknown>);
    readonly exports: Record<string, unknown>;
  }
}
