// Luminance as the reference computes it: float32 weights, float32 products and sums, in R + G + B order. Hashing
// computes it with WebAssembly SIMD (kernels.ts); lumaRow is the plain JavaScript form the tests compare against.
const f = Math.fround;

/** The reference's float32 weights of R, G and B. */
export const LUMA_WEIGHTS = [f(0.299), f(0.587), f(0.114)] as const;

/**
 * Fills out[0..width) with the luma of one row of interleaved pixels. 1 or 2 channels are grey (+ alpha), expanded
 * to R = G = B; 3 or 4 are RGB (+ alpha). Alpha is ignored, never flattened.
 */
export function lumaRow(px: Uint8Array, rowStart: number, width: number, channels: number, out: Float32Array, outOff = 0): void {
  const [wR, wG, wB] = LUMA_WEIGHTS;
  const colour = channels >= 3 ? 1 : 0;
  for (let x = 0, p = rowStart; x < width; x++, p += channels) {
    out[outOff + x] = f(f(f(wR * px[p]!) + f(wG * px[p + colour]!)) + f(wB * px[p + 2 * colour]!));
  }
}
