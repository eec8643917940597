// The inner loops of the Jarosz filter and the DCT as WebAssembly float32 SIMD. Each lane is the reference's own
// sequence of float32 products, sums and quotients, in its order, so the results are bit-identical; 4 lanes are
// computed per instruction. Addresses are byte offsets into the module's memory, which jarosz.ts and dct.ts lay out.
import { advance, assemble, op, VALUE, type WasmFunction, whileBelow } from './wasm.js';

const { i32, f32, v128 } = VALUE;

/** Rows per band, and bytes per band position: a band holds 8 rows, position x holding their 8 values at x. */
export const BAND_ROWS = 8;
export const BAND_BYTES = 4 * BAND_ROWS;

/**
 * Transposes the 4x4 block in v128 locals a, b, c, d (4 rows of 4 values; scratch locals t) and stores its rows,
 * which are the block's columns, with store(k, code leaving row k on the stack).
 */
function transposed(a: number, b: number, c: number, d: number, t: readonly number[], store: (k: number, row: number[]) => number[]): number[] {
  const [ab01, ab23, cd01, cd23] = t as [number, number, number, number];
  const interleave = (x: number, y: number, lanes: readonly [number, number, number, number], to: number): number[] => [
    ...op.get(x),
    ...op.get(y),
    ...op.f32x4Shuffle(lanes),
    ...op.set(to),
  ];
  const pick = (x: number, y: number, lanes: readonly [number, number, number, number]): number[] => [...op.get(x), ...op.get(y), ...op.f32x4Shuffle(lanes)];
  return [
    ...interleave(a, b, [0, 4, 1, 5], ab01),
    ...interleave(a, b, [2, 6, 3, 7], ab23),
    ...interleave(c, d, [0, 4, 1, 5], cd01),
    ...interleave(c, d, [2, 6, 3, 7], cd23),
    ...store(0, pick(ab01, cd01, [0, 1, 4, 5])),
    ...store(1, pick(ab01, cd01, [2, 3, 6, 7])),
    ...store(2, pick(ab23, cd23, [0, 1, 4, 5])),
    ...store(3, pick(ab23, cd23, [2, 3, 6, 7])),
  ];
}

/**
 * Luma of 4 pixel rows (`slot` bytes apart) into 4 lanes of a band, 4 pixels per step, for pixels of `channels`
 * bytes (1 or 2: grey, read as R = G = B; 3 or 4: RGB; alpha ignored): R * wR + G * wG + B * wB, each product and
 * sum a float32 in that order as in the reference. Reads 16 bytes per step, so each row needs 16 readable bytes
 * past its last whole step.
 */
function lumaQuad(channels: number): WasmFunction {
  const [src, slot, dst, blocks, wR, wG, wB] = [0, 1, 2, 3, 4, 5, 6];
  const [i, pixels, vR, vG, vB, pickR, pickG, pickB] = [7, 8, 9, 10, 11, 12, 13, 14];
  const rowLuma = [15, 16, 17, 18];
  const scratch = [19, 20, 21, 22];
  // Byte `c` of each of the 4 pixels, zero-extended to 32 bits (0x80 is out of range: a zero byte, which x64's byte
  // shuffle gives directly).
  const pick = (c: number): number[] => op.v128Const([0, 1, 2, 3].flatMap((j) => [j * channels + (channels >= 3 ? c : 0), 0x80, 0x80, 0x80]));
  const channel = (picker: number, weight: number): number[] => [
    ...op.get(pixels),
    ...op.get(picker),
    ...op.i8x16Swizzle,
    ...op.f32x4ConvertI32x4S,
    ...op.get(weight),
    ...op.f32x4Mul,
  ];
  const luma = (row: number): number[] => [
    ...op.get(src),
    ...op.get(slot),
    ...op.i32(row),
    ...op.i32Mul,
    ...op.i32Add,
    ...op.v128Load(),
    ...op.set(pixels),
    ...channel(pickR, vR),
    ...channel(pickG, vG),
    ...op.f32x4Add,
    ...channel(pickB, vB),
    ...op.f32x4Add,
    ...op.set(rowLuma[row]!),
  ];
  const [a, b, c, d] = rowLuma as [number, number, number, number];
  const body = [
    ...[wR, wG, wB].flatMap((w, k) => [...op.get(w), ...op.f32x4Splat, ...op.set([vR, vG, vB][k]!)]),
    ...[pickR, pickG, pickB].flatMap((p, k) => [...pick(k), ...op.set(p)]),
    ...whileBelow(i, blocks, 1, [
      ...[0, 1, 2, 3].flatMap(luma),
      ...transposed(a, b, c, d, scratch, (k, row) => [...op.get(dst), ...row, ...op.v128Store(k * BAND_BYTES)]),
      ...advance(src, 4 * channels),
      ...advance(dst, 4 * BAND_BYTES),
    ]),
  ];
  return { name: `luma${channels}`, params: [i32, i32, i32, i32, f32, f32, f32], locals: [i32, ...Array.from({ length: 15 }, () => v128)], body };
}

/**
 * The box filter along a band of 8 rows (position x holds the 8 rows' values, 32 bytes), as two independent 4-lane
 * sums so that one's latency hides the other's: per step, sum = (sum + in[add]) - in[sub], then out = sum / divisor.
 * Zeros around the input stand for the window's growing and shrinking ends (x + 0 and x - 0 are exact, and the sums
 * never reach -0), so one loop covers all its phases.
 */
const boxBand: WasmFunction = (() => {
  const [add, sub, out, div, steps] = [0, 1, 2, 3, 4];
  const [i, sumA, sumB, divisor] = [5, 6, 7, 8];
  const slide = (sum: number, offset: number): number[] => [
    ...op.get(sum),
    ...op.get(add),
    ...op.v128Load(offset),
    ...op.f32x4Add,
    ...op.get(sub),
    ...op.v128Load(offset),
    ...op.f32x4Sub,
    ...op.set(sum),
    ...op.get(out),
    ...op.get(sum),
    ...op.get(divisor),
    ...op.f32x4Div,
    ...op.v128Store(offset),
  ];
  const body = whileBelow(i, steps, 1, [
    ...op.get(div),
    ...op.v128Load32Splat(),
    ...op.set(divisor),
    ...slide(sumA, 0),
    ...slide(sumB, 16),
    ...advance(add, 32),
    ...advance(sub, 32),
    ...advance(out, 32),
    ...advance(div, 4),
  ]);
  return { name: 'boxBand', params: [i32, i32, i32, i32, i32], locals: [i32, v128, v128, v128], body };
})();

/**
 * 4x4 transposes between 4 lanes of a band and 4 plain rows, n blocks of 4 positions: the 4 vectors read from s0..s3
 * (each advancing by sStep) are written transposed to d0..d3 (each advancing by dStep). Its own inverse.
 */
const transpose: WasmFunction = (() => {
  const [s0, s1, s2, s3, sStep, d0, d1, d2, d3, dStep, n] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [i, a, b, c, d] = [11, 12, 13, 14, 15];
  const scratch = [16, 17, 18, 19];
  const body = whileBelow(i, n, 1, [
    ...[s0, s1, s2, s3].flatMap((s, k) => [...op.get(s), ...op.v128Load(), ...op.set([a, b, c, d][k]!)]),
    ...transposed(a, b, c, d, scratch, (k, row) => [...op.get([d0, d1, d2, d3][k]!), ...row, ...op.v128Store()]),
    ...[s0, s1, s2, s3].flatMap((s) => [...op.get(s), ...op.get(sStep), ...op.i32Add, ...op.set(s)]),
    ...[d0, d1, d2, d3].flatMap((dp) => [...op.get(dp), ...op.get(dStep), ...op.i32Add, ...op.set(dp)]),
  ]);
  return { name: 'transpose', params: [i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, i32], locals: [i32, ...Array.from({ length: 8 }, () => v128)], body };
})();

/** One step of a vertical box filter over a whole row: sum = (sum + add) - sub, out = sum / count, over `bytes`. */
const slideRows: WasmFunction = (() => {
  const [sum, add, sub, out, bytes, count] = [0, 1, 2, 3, 4, 5];
  const [i, s, divisor] = [6, 7, 8];
  const at = (ptr: number) => [...op.get(ptr), ...op.get(i), ...op.i32Add];
  const body = [
    ...op.get(count),
    ...op.f32x4Splat,
    ...op.set(divisor),
    ...whileBelow(i, bytes, 16, [
      ...at(sum),
      ...op.v128Load(),
      ...at(add),
      ...op.v128Load(),
      ...op.f32x4Add,
      ...at(sub),
      ...op.v128Load(),
      ...op.f32x4Sub,
      ...op.set(s),
      ...at(sum),
      ...op.get(s),
      ...op.v128Store(),
      ...at(out),
      ...op.get(s),
      ...op.get(divisor),
      ...op.f32x4Div,
      ...op.v128Store(),
    ]),
  ];
  return { name: 'slideRows', params: [i32, i32, i32, i32, i32, f32], locals: [i32, v128, v128], body };
})();

/**
 * C = A B for row-major float32 matrices (A rows x inner, B inner x cols, cols a multiple of 4): each entry a
 * float32 sum of float32 products in ascending k, starting from 0, as the reference's DCT; 4 columns at once.
 */
const matmul: WasmFunction = (() => {
  const [a, b, c, rows, inner, cols] = [0, 1, 2, 3, 4, 5];
  const [i, j, kk, sum, pa, pb, rowA, colBytes] = [6, 7, 8, 9, 10, 11, 12, 13];
  const body = [
    ...op.get(cols),
    ...op.i32(2),
    ...op.i32Shl,
    ...op.set(colBytes),
    ...op.get(a),
    ...op.set(rowA),
    ...whileBelow(i, rows, 1, [
      ...op.i32(0),
      ...op.set(j),
      ...whileBelow(j, colBytes, 16, [
        ...op.v128Const(new Array(16).fill(0)),
        ...op.set(sum),
        ...op.get(rowA),
        ...op.set(pa),
        ...op.get(b),
        ...op.get(j),
        ...op.i32Add,
        ...op.set(pb),
        ...op.i32(0),
        ...op.set(kk),
        ...whileBelow(kk, inner, 1, [
          ...op.get(sum),
          ...op.get(pa),
          ...op.v128Load32Splat(),
          ...op.get(pb),
          ...op.v128Load(),
          ...op.f32x4Mul,
          ...op.f32x4Add,
          ...op.set(sum),
          ...advance(pa, 4),
          ...op.get(pb),
          ...op.get(colBytes),
          ...op.i32Add,
          ...op.set(pb),
        ]),
        ...op.get(c),
        ...op.get(sum),
        ...op.v128Store(),
        ...advance(c, 16),
      ]),
      ...op.get(rowA),
      ...op.get(inner),
      ...op.i32(2),
      ...op.i32Shl,
      ...op.i32Add,
      ...op.set(rowA),
    ]),
  ];
  return { name: 'matmul', params: [i32, i32, i32, i32, i32, i32], locals: [i32, i32, i32, v128, i32, i32, i32, i32], body };
})();

type LumaQuad = (src: number, slot: number, dst: number, blocks: number, wR: number, wG: number, wB: number) => void;

export interface Kernels {
  luma1: LumaQuad;
  luma2: LumaQuad;
  luma3: LumaQuad;
  luma4: LumaQuad;
  boxBand(add: number, sub: number, out: number, div: number, steps: number): void;
  transpose(s0: number, s1: number, s2: number, s3: number, sStep: number, d0: number, d1: number, d2: number, d3: number, dStep: number, n: number): void;
  slideRows(sum: number, add: number, sub: number, out: number, bytes: number, count: number): void;
  matmul(a: number, b: number, c: number, rows: number, inner: number, cols: number): void;
  memory: WebAssembly.Memory;
}

/** Bytes of memory the DCT keeps to itself (dct.ts); the Jarosz filter lays out its buffers after them. */
export const DCT_BYTES = 32 * 1024;

let instance: Kernels | undefined;

/** The kernels, compiled once per thread; jarosz.ts grows their memory as images need. */
export function kernels(): Kernels {
  instance ??= new WebAssembly.Instance(
    new WebAssembly.Module(assemble([lumaQuad(1), lumaQuad(2), lumaQuad(3), lumaQuad(4), boxBand, transpose, slideRows, matmul], 1)),
    {},
  ).exports as unknown as Kernels;
  return instance;
}
