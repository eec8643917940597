// Luminance as the reference computes it: float32 coefficients, float32 products and sums, in R + G + B order.
// The products only depend on one byte each, so they are tabulated once (same float32 values, no multiply per pixel).
const f = Math.fround;
const LR = new Float32Array(256);
const LG = new Float32Array(256);
const LB = new Float32Array(256);
for (let v = 0; v < 256; v++) {
  LR[v] = f(0.299) * v;
  LG[v] = f(0.587) * v;
  LB[v] = f(0.114) * v;
}

/**
 * Fills out[0..width) with the luma of one row of interleaved pixels. 1 or 2 channels are grey (+ alpha), expanded
 * to R = G = B; 3 or 4 are RGB (+ alpha). Alpha is ignored, never flattened.
 */
export function lumaRow(px: Uint8Array, rowStart: number, width: number, channels: number, out: Float32Array, outOff = 0): void {
  let p = rowStart;
  if (channels >= 3) {
    for (let x = 0; x < width; x++, p += channels) {
      out[outOff + x] = f(f(LR[px[p]!]! + LG[px[p + 1]!]!) + LB[px[p + 2]!]!);
    }
  } else {
    for (let x = 0; x < width; x++, p += channels) {
      const v = px[p]!;
      out[outOff + x] = f(f(LR[v]! + LG[v]!) + LB[v]!);
    }
  }
}

/** The reference CLI's path for single-channel images: the grey level itself, no weighting. */
export function greyRow(px: Uint8Array, rowStart: number, width: number, channels: number, out: Float32Array, outOff = 0): void {
  for (let x = 0, p = rowStart; x < width; x++, p += channels) out[outOff + x] = px[p]!;
}
