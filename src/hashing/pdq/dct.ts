// The first 16 non-DC frequencies of a 64-point DCT-II, applied along both axes: B = D A D^T with D 16x64.
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

/** 64x64 (row-major) to the 16x16 coefficient block, float32 products and sums in ascending k as the reference. */
export function dct64To16(a: Float32Array, out: Float32Array = new Float32Array(256)): Float32Array {
  const d = DCT_MATRIX;
  const t = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) {
    const di = i * 64;
    for (let j = 0; j < 64; j++) {
      let s = 0;
      for (let k = 0; k < 64; k++) s = f(s + f(d[di + k]! * a[k * 64 + j]!));
      t[di + j] = s;
    }
  }
  for (let i = 0; i < 16; i++) {
    const ti = i * 64;
    for (let j = 0; j < 16; j++) {
      const dj = j * 64;
      let s = 0;
      for (let k = 0; k < 64; k++) s = f(s + f(t[ti + k]! * d[dj + k]!));
      out[i * 16 + j] = s;
    }
  }
  return out;
}
