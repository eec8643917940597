// Jarosz downsampling to 64x64: two passes of (horizontal box, vertical box), then point sampling. Every sum and
// quotient is float32 and accumulated in the reference's order, so the result is bit-identical; the passes are
// streamed row by row so that only what the 64x64 samples depend on is kept.
import { boxRows4, boxRowsSampled4 } from './box.js';
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

// Pass 1's vertical box, one output row at a time: the running column sums are independent across x, so these loops
// are not latency-bound. inv is 1 / count (box.ts says why that is exact). Add then subtract, each rounded to
// float32, as the reference's sliding window.
function slideColumns(sum: Float32Array, ring: Float32Array, add: number, sub: number, out: Float32Array, oOff: number, width: number, inv: number): void {
  for (let x = 0; x < width; x++) {
    const s = f(f(sum[x]! + ring[add + x]!) - ring[sub + x]!);
    sum[x] = s;
    out[oOff + x] = s * inv;
  }
}

function addColumns(sum: Float32Array, ring: Float32Array, add: number, out: Float32Array, oOff: number, width: number, inv: number): void {
  for (let x = 0; x < width; x++) {
    const s = f(sum[x]! + ring[add + x]!);
    sum[x] = s;
    out[oOff + x] = s * inv;
  }
}

function subColumns(sum: Float32Array, ring: Float32Array, sub: number, out: Float32Array, oOff: number, width: number, inv: number): void {
  for (let x = 0; x < width; x++) {
    const s = f(sum[x]! - ring[sub + x]!);
    sum[x] = s;
    out[oOff + x] = s * inv;
  }
}

/** Blurs and decimates an image's luma to the 64x64 block the DCT reads (row-major). */
export function downsample64(px: Uint8Array, width: number, height: number, channels: number, greyLuma = false): Float32Array {
  const wx = jaroszWindowSize(width);
  const wy = jaroszWindowSize(height);
  const cols = samplePoints(width);
  const rows = samplePoints(height);
  const toLuma = greyLuma ? greyRow : lumaRow;

  // Pass 1, horizontal: rows are produced 4 at a time, on demand, into a ring that holds the vertical window plus
  // the rows produced ahead of it.
  const G = 4;
  const ringRows = wy + G;
  const ring = new Float32Array(ringRows * width);
  const luma = new Float32Array(G * width);
  const colSum = new Float32Array(width);
  // Pass 1's vertical output rows wait here until 4 can go through pass 2's horizontal box together.
  const vBuf = new Float32Array(G * width);
  // Pass 2's horizontal box is only kept at the 64 sampled columns, for every row.
  const mid = new Float32Array(height * OUT);
  const rowBytes = width * channels;
  let produced = 0;
  let pending = 0;

  const half = (wy + 2) >> 1;
  let n = 0;
  // Output row o adds row o + half - 1 and drops row o + half - 1 - wy; rows 0..half-2 are added before the first.
  for (let o = 1 - half; o < height; o++) {
    const r = o + half - 1;
    const l = r - wy;
    const rOff = (r % ringRows) * width;
    const lOff = l >= 0 ? (l % ringRows) * width : 0;
    if (r < height) {
      if (r >= produced) {
        const cnt = Math.min(G, height - produced);
        for (let g = 0; g < cnt; g++) toLuma(px, (produced + g) * rowBytes, width, channels, luma, g * width);
        // Lanes past the last row repeat lane 0.
        const o0 = (produced % ringRows) * width;
        const o1 = cnt > 1 ? ((produced + 1) % ringRows) * width : o0;
        const o2 = cnt > 2 ? ((produced + 2) % ringRows) * width : o0;
        const o3 = cnt > 3 ? ((produced + 3) % ringRows) * width : o0;
        boxRows4(luma, 0, cnt > 1 ? width : 0, cnt > 2 ? 2 * width : 0, cnt > 3 ? 3 * width : 0, ring, o0, o1, o2, o3, width, wx);
        produced += cnt;
      }
      if (l >= 0) slideColumns(colSum, ring, rOff, lOff, vBuf, pending * width, width, 1 / n);
      else addColumns(colSum, ring, rOff, vBuf, pending * width, width, 1 / ++n);
    } else {
      subColumns(colSum, ring, lOff, vBuf, pending * width, width, 1 / --n);
    }
    if (o < 0) continue;
    // Pass 1 vertical gave output row o; pass 2 horizontal runs on it once 4 rows (or the last) are buffered.
    if (++pending === G || o === height - 1) {
      const p = pending;
      const first = (o - p + 1) * OUT;
      boxRowsSampled4(vBuf, 0, p > 1 ? width : 0, p > 2 ? 2 * width : 0, p > 3 ? 3 * width : 0, width, wx, cols, mid,
        first, p > 1 ? first + OUT : first, p > 2 ? first + 2 * OUT : first, p > 3 ? first + 3 * OUT : first);
      pending = 0;
    }
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
