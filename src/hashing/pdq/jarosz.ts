// Jarosz downsampling to 64x64: two passes of (horizontal box, vertical box), then point sampling. Every sum and
// quotient is float32 and accumulated in the reference's order, so the result is bit-identical; the passes are
// streamed row by row so that only what the 64x64 samples depend on is kept.
import { greyRow, lumaRow } from './luma.js';

const f = Math.fround;
const OUT = 64;

/** Box half-width per pass: a 64th of the dimension split over two passes, rounded up. */
export function jaroszWindowSize(oldDim: number, newDim = OUT): number {
  return Math.floor((oldDim + 2 * newDim - 1) / (2 * newDim));
}

/** The sampled index along a dimension: the centre of each of the 64 output cells. */
export function samplePoints(dim: number): Int32Array {
  const s = new Int32Array(OUT);
  for (let i = 0; i < OUT; i++) s[i] = Math.floor(((i + 0.5) * dim) / OUT);
  return s;
}

// The reference's 1-D box filter: the window grows from half its size at the start, slides at full size, and shrinks
// at the end; the running sum is float32 and each output is sum / count. Written as its four phases so the hot loop
// has no branches.

/** Full 1-D box filter of one row (stride 1). */
function boxRow(inp: Float32Array, out: Float32Array, outOff: number, len: number, w: number): void {
  const half = (w + 2) >> 1;
  let sum = 0;
  let ri = 0;
  let li = 0;
  let oi = outOff;
  let n = half - 1;
  for (; ri < half - 1; ri++) sum = f(sum + inp[ri]!);
  for (let i = half - 1; i < w; i++) {
    sum = f(sum + inp[ri++]!);
    out[oi++] = sum / ++n;
  }
  for (const end = len; ri < end; ) {
    sum = f(f(sum + inp[ri++]!) - inp[li++]!);
    out[oi++] = sum / w;
  }
  for (; n > w - half + 1; ) {
    sum = f(sum - inp[li++]!);
    out[oi++] = sum / --n;
  }
}

/** The same running sum as boxRow, but only the outputs at the sampled columns are divided and kept. */
function boxRowSampled(inp: Float32Array, len: number, w: number, cols: Int32Array, out: Float32Array, outOff: number): void {
  const half = (w + 2) >> 1;
  let sum = 0;
  let n = 0;
  let k = 0;
  let next = cols[0]!;
  for (let r = 0; r < half - 1; r++, n++) sum = f(sum + inp[r]!);
  for (let o = 0; o < len; o++) {
    const r = o + half - 1;
    if (r < len) {
      sum = f(sum + inp[r]!);
      n++;
    }
    const l = r - w;
    if (l >= 0) {
      sum = f(sum - inp[l]!);
      n--;
    }
    // Sample points can repeat when the dimension is under 64.
    while (o === next) {
      out[outOff + k] = sum / n;
      next = ++k < OUT ? cols[k]! : -1;
    }
  }
}

/** Blurs and decimates an image's luma to the 64x64 block the DCT reads (row-major). */
export function downsample64(px: Uint8Array, width: number, height: number, channels: number, greyLuma = false): Float32Array {
  const wx = jaroszWindowSize(width);
  const wy = jaroszWindowSize(height);
  const cols = samplePoints(width);
  const rows = samplePoints(height);
  const toLuma = greyLuma ? greyRow : lumaRow;

  // Pass 1, horizontal: rows are produced on demand into a ring that holds the vertical window.
  const ringRows = wy + 1;
  const ring = new Float32Array(ringRows * width);
  const luma = new Float32Array(width);
  const colSum = new Float32Array(width);
  const vOut = new Float32Array(width);
  // Pass 2's horizontal box is only kept at the 64 sampled columns, for every row.
  const mid = new Float32Array(height * OUT);
  const rowBytes = width * channels;

  const half = (wy + 2) >> 1;
  let n = 0;
  // Output row o adds row o + half - 1 and drops row o + half - 1 - wy; rows 0..half-2 are added before the first.
  for (let o = 1 - half; o < height; o++) {
    const r = o + half - 1;
    const l = r - wy;
    const rOff = (r % ringRows) * width;
    const lOff = l >= 0 ? (l % ringRows) * width : 0;
    if (r < height) {
      toLuma(px, r * rowBytes, width, channels, luma);
      boxRow(luma, ring, rOff, width, wx);
      n++;
      if (l >= 0) {
        n--;
        // Add then subtract, each rounded to float32, as the reference's sliding window.
        for (let x = 0; x < width; x++) {
          const s = f(f(colSum[x]! + ring[rOff + x]!) - ring[lOff + x]!);
          colSum[x] = s;
          vOut[x] = s / n;
        }
      } else {
        for (let x = 0; x < width; x++) {
          const s = f(colSum[x]! + ring[rOff + x]!);
          colSum[x] = s;
          vOut[x] = s / n;
        }
      }
    } else {
      n--;
      for (let x = 0; x < width; x++) {
        const s = f(colSum[x]! - ring[lOff + x]!);
        colSum[x] = s;
        vOut[x] = s / n;
      }
    }
    // Pass 1 vertical gave output row o; pass 2 horizontal runs on it.
    if (o >= 0) boxRowSampled(vOut, width, wx, cols, mid, o * OUT);
  }

  // Pass 2, vertical: running sums down the 64 kept columns, read at the 64 sampled rows.
  const out = new Float32Array(OUT * OUT);
  const sums = new Float32Array(OUT);
  let m = 0;
  let k = 0;
  let next = rows[0]!;
  for (let r = 0; r < half - 1; r++, m++) for (let c = 0; c < OUT; c++) sums[c] = sums[c]! + mid[r * OUT + c]!;
  for (let o = 0; o < height; o++) {
    const r = o + half - 1;
    if (r < height) {
      for (let c = 0; c < OUT; c++) sums[c] = sums[c]! + mid[r * OUT + c]!;
      m++;
    }
    const l = r - wy;
    if (l >= 0) {
      for (let c = 0; c < OUT; c++) sums[c] = sums[c]! - mid[l * OUT + c]!;
      m--;
    }
    while (o === next) {
      for (let c = 0; c < OUT; c++) out[k * OUT + c] = sums[c]! / m;
      next = ++k < OUT ? rows[k]! : -1;
    }
  }
  return out;
}
