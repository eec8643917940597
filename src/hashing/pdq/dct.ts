// The first 16 non-DC frequencies of a 64-point DCT-II, applied along both axes: B = D A D^T with D 16x64.
import { DCT_BYTES, kernels } from './kernels.js';

const f = Math.fround;

/**
 * D[i][j] = sqrt(2/64) * cos(pi/128 * (i+1) * (2j+1)); the scale is a float32 and the product is rounded to float32
 * once, as in the reference (the cosine itself is double).
 */
export const DCT_MATRIX: Float32Array = (() => {
  const d = new Float32Array(16 * 64);
  const scale = f(Math.sqrt(2 / 64));
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) d[i * 64 + j] = scale * Math.cos((Math.PI / 2 / 64) * (i + 1) * (2 * j + 1));
  }
  return d;
})();

// Byte offsets in the kernels' memory: D, D transposed, the 64x64 input, D A, and the 16x16 result.
const AT = { d: 0, dT: 4096, a: 8192, t: 8192 + 16384, out: 8192 + 16384 + 4096 } as const;
if (AT.out + 1024 > DCT_BYTES) throw new Error('DCT buffers overflow their reserved memory');
let matricesWritten = false;

/**
 * 64x64 (row-major) to the 16x16 coefficient block: float32 products summed in float32 in ascending k, as the
 * reference, computed as (D A) D^T with WebAssembly SIMD.
 */
export function dct64To16(a: Float32Array, out: Float32Array = new Float32Array(256)): Float32Array {
  const k = kernels();
  const floats = new Float32Array(k.memory.buffer);
  if (!matricesWritten) {
    floats.set(DCT_MATRIX, AT.d / 4);
    for (let i = 0; i < 16; i++) for (let j = 0; j < 64; j++) floats[AT.dT / 4 + j * 16 + i] = DCT_MATRIX[i * 64 + j]!;
    matricesWritten = true;
  }
  floats.set(a.subarray(0, 4096), AT.a / 4);
  k.matmul(AT.d, AT.a, AT.t, 16, 64, 64);
  k.matmul(AT.t, AT.dT, AT.out, 16, 64, 16);
  out.set(floats.subarray(AT.out / 4, AT.out / 4 + 256));
  return out;
}
