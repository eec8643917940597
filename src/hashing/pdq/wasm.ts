// A minimal WebAssembly encoder: just enough to assemble the few float32 SIMD loops in kernels.ts at load time.
// WebAssembly computes in float32 natively (JavaScript has to round every double result with Math.fround) and its
// f32x4 instructions work on 4 values at once, while IEEE float32 semantics keep every result bit-identical.

export type Code = number[];

export const VALUE = { i32: 0x7f, f32: 0x7d, v128: 0x7b } as const;
type ValueType = (typeof VALUE)[keyof typeof VALUE];

function uleb(n: number): Code {
  const out: Code = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): Code {
  const out: Code = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const simd = (opcode: number, ...immediates: number[]): Code => [0xfd, ...uleb(opcode), ...immediates];
/** Memory immediate: alignment hint (log2 bytes; unaligned addresses still work) and a constant byte offset. */
const memarg = (alignLog2: number, offset: number): Code => [alignLog2, ...uleb(offset)];

/** Instructions used by the kernels, named after the WebAssembly text format. */
export const op = {
  get: (local: number): Code => [0x20, ...uleb(local)],
  set: (local: number): Code => [0x21, ...uleb(local)],
  i32: (n: number): Code => [0x41, ...sleb(n)],
  i32Add: [0x6a],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  i32GeU: [0x4f],
  v128Load: (offset = 0): Code => simd(0x00, ...memarg(4, offset)),
  v128Store: (offset = 0): Code => simd(0x0b, ...memarg(4, offset)),
  v128Load32Splat: (offset = 0): Code => simd(0x09, ...memarg(2, offset)),
  f32x4Splat: simd(0x13),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
  f32x4ConvertI32x4S: simd(0xfa),
  v128Const: (bytes: readonly number[]): Code => [0xfd, 0x0c, ...bytes],
  /** Byte i of the result is byte b[i] of the first vector a (operands a, b), or 0 where b[i] is 16 or more. */
  i8x16Swizzle: simd(0x0e),
  /** Picks 4 float32 lanes from two vectors: 0..3 the first, 4..7 the second. */
  f32x4Shuffle: (lanes: readonly [number, number, number, number]): Code => [0xfd, 0x0d, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3])],
};

/** `local += step` for an i32 local. */
export const advance = (local: number, step: number): Code => [...op.get(local), ...op.i32(step), ...op.i32Add, ...op.set(local)];

/** Runs `body` while the i32 local `counter` is below the i32 local `limit` (unsigned), adding `step` after each. */
export function whileBelow(counter: number, limit: number, step: number, body: Code): Code {
  const block = 0x02;
  const loop = 0x03;
  const empty = 0x40;
  const brIf = 0x0d;
  const br = 0x0c;
  const end = 0x0b;
  return [block, empty, loop, empty, ...op.get(counter), ...op.get(limit), ...op.i32GeU, brIf, 1, ...body, ...advance(counter, step), br, 0, end, end];
}

export interface WasmFunction {
  name: string;
  params: ValueType[];
  /** Extra locals, numbered after the params. */
  locals: ValueType[];
  body: Code;
}

function section(id: number, body: Code): Code {
  return [id, ...uleb(body.length), ...body];
}

function vector(items: Code[]): Code {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): Code {
  return vector(Array.from(s, (c) => [c.charCodeAt(0)]));
}

/** A module exporting `functions` (no results) and its memory, as "memory", of `pages` 64 KiB pages. */
export function assemble(functions: WasmFunction[], pages: number): Uint8Array<ArrayBuffer> {
  const types = functions.map((f) => [0x60, ...vector(f.params.map((p) => [p])), ...vector([])]);
  const bodies = functions.map((f) => {
    const code = [...vector(f.locals.map((l) => [1, l])), ...f.body, 0x0b];
    return [...uleb(code.length), ...code];
  });
  const exports = [...functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]), [...name('memory'), 0x02, 0]];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(5, vector([[0x00, ...uleb(pages)]])),
    ...section(7, vector(exports)),
    ...section(10, vector(bodies)),
  ]);
}
