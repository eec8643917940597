// Jarosz downsampling to 64x64: two passes of (horizontal box, vertical box), then point sampling. Every sum and
// quotient is float32 and accumulated in the reference's order, so the result is bit-identical. The passes stream
// 8 rows at a time through WebAssembly SIMD kernels (kernels.ts): a horizontal box filters 8 rows at once laid out
// as a "band" (position x holds the 8 rows' values), a vertical box step updates 4 columns per instruction.
import { BAND_BYTES as BAND, BAND_ROWS as ROWS, DCT_BYTES, kernels } from './kernels.js';
import { LUMA_WEIGHTS } from './luma.js';

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

/** Blurs and decimates an image's luma to the 64x64 block the DCT reads (row-major). */
export function downsample64(px: Uint8Array, width: number, height: number, channels: number, greyLuma = false): Float32Array {
  const k = kernels();
  const wx = jaroszWindowSize(width);
  const wy = jaroszWindowSize(height);
  const halfX = (wx + 2) >> 1;
  const cols = samplePoints(width);
  const rows = samplePoints(height);
  const blocks = (width + 3) >> 2;
  // Plain rows are padded to whole 4-column blocks; the padding columns stay zero throughout.
  const rowStride = blocks * 16;
  const rowBytes = width * channels;
  const ringRows = wy + ROWS;

  // Memory layout, in bytes, 16-aligned, after the DCT's.
  let at = DCT_BYTES;
  const take = (size: number): number => {
    const start = at;
    at += (size + 15) & ~15;
    return start;
  };
  // Zeros read as the rows outside the image by the vertical boxes, which also run on 64-column rows.
  const zeroRow = take(Math.max(rowStride, OUT * 4));
  // A band of pixel rows, each padded with zeros to whole 4-pixel blocks (plus the 16 bytes the luma kernel may read).
  const pixelSlot = 4 * blocks * channels + 16;
  const pixels = take(ROWS * pixelSlot);
  // Bands read by the box filter keep wx zero positions before position 0 and at least halfX after the last: its
  // window's growing and shrinking ends. Its output has halfX - 1 discarded positions before position 0.
  const bandIn = take((wx + 4 * blocks + halfX + 4) * BAND) + wx * BAND;
  const bandOut = take((halfX + 4 * blocks) * BAND) + halfX * BAND;
  const divisors = take((halfX + width) * 4) + halfX * 4;
  const ring = take(ringRows * rowStride);
  const colSum = take(rowStride);
  const vRows = take(ROWS * rowStride);
  // Pass 2's vertical box state, and its input: the horizontal output at the 64 sampled columns for every row.
  const midSum = take(OUT * 4);
  const midOut = take(OUT * 4);
  const mid = take(height * OUT * 4);
  const memory = k.memory;
  if (memory.buffer.byteLength < at) memory.grow(Math.ceil((at - memory.buffer.byteLength) / 65536));
  const bytes = new Uint8Array(memory.buffer);
  const floats = new Float32Array(memory.buffer);
  // Everything before mid starts from zero (mid's rows are all written before they are read).
  bytes.fill(0, DCT_BYTES, mid);
  // The box filter divides output x by its window's size; the discarded outputs by 1.
  for (let o = -halfX; o < width; o++) {
    floats[(divisors >> 2) + o] = o < 0 ? 1 : Math.min(o + halfX - 1, width - 1) - Math.max(o + halfX - 1 - wx, -1);
  }
  const boxSteps = width + halfX - 1;
  const boxBand = (): void => k.boxBand(bandIn, bandIn - wx * BAND, bandOut - (halfX - 1) * BAND, divisors - (halfX - 1) * 4, boxSteps);
  // Plain rows at row(0..7) to the band's lanes, or back.
  const toBand = (row: (g: number) => number, band: number): void => {
    for (let h = 0; h < ROWS; h += 4) {
      k.transpose(row(h), row(h + 1), row(h + 2), row(h + 3), 16, band + 4 * h, band + 4 * h + BAND, band + 4 * h + 2 * BAND, band + 4 * h + 3 * BAND, 4 * BAND, blocks);
    }
  };
  const fromBand = (band: number, row: (g: number) => number): void => {
    for (let h = 0; h < ROWS; h += 4) {
      k.transpose(band + 4 * h, band + 4 * h + BAND, band + 4 * h + 2 * BAND, band + 4 * h + 3 * BAND, 4 * BAND, row(h), row(h + 1), row(h + 2), row(h + 3), 16, blocks);
    }
  };
  // The reference CLI's grey path takes the grey level itself: v * 1 + v * 0 + v * 0 is exactly v.
  const [wR, wG, wB] = greyLuma ? [1, 0, 0] : LUMA_WEIGHTS;
  const luma = [k.luma1, k.luma2, k.luma3, k.luma4][channels - 1]!;
  const ringRow = (r: number): number => ring + (r % ringRows) * rowStride;
  const vRow = (g: number): number => vRows + g * rowStride;

  // Pass 1, horizontal: a band of rows from y0 into the ring, which holds the vertical window plus the rows produced
  // ahead of it. Past the last row the lanes are ignored (they overwrite only rows the window has left).
  const produce = (y0: number): void => {
    const last = Math.min(height, y0 + ROWS);
    for (let y = y0; y < last; y++) bytes.set(px.subarray(y * rowBytes, (y + 1) * rowBytes), pixels + (y - y0) * pixelSlot);
    for (let h = 0; h < ROWS; h += 4) luma(pixels + h * pixelSlot, pixelSlot, bandIn + 4 * h, blocks, wR, wG, wB);
    boxBand();
    fromBand(bandOut, (g) => ringRow(y0 + g));
  };

  let produced = 0;
  let pending = 0;
  // Pass 1, vertical, then pass 2's horizontal box on each band of its output rows, kept at the sampled columns.
  forEachWindow(height, wy, (o, add, drop, count) => {
    if (add >= produced) {
      produce(produced);
      produced += ROWS;
    }
    k.slideRows(colSum, add >= 0 ? ringRow(add) : zeroRow, drop >= 0 ? ringRow(drop) : zeroRow, vRow(pending), rowStride, count);
    if (o < 0) return;
    if (++pending === ROWS || o === height - 1) {
      toBand(vRow, bandIn);
      boxBand();
      const first = o - pending + 1;
      const base = bandOut >> 2;
      for (let g = 0; g < pending; g++) {
        const m = (mid >> 2) + (first + g) * OUT;
        for (let c = 0; c < OUT; c++) floats[m + c] = floats[base + cols[c]! * ROWS + g]!;
      }
      pending = 0;
    }
  });

  // Pass 2, vertical: down the 64 kept columns, read at the 64 sampled rows.
  const out = new Float32Array(OUT * OUT);
  let next = 0;
  forEachWindow(height, wy, (o, add, drop, count) => {
    k.slideRows(midSum, add >= 0 ? mid + add * OUT * 4 : zeroRow, drop >= 0 ? mid + drop * OUT * 4 : zeroRow, midOut, OUT * 4, count);
    for (; next < OUT && rows[next] === o; next++) out.set(floats.subarray(midOut >> 2, (midOut >> 2) + OUT), next * OUT);
  });
  return out;
}

/**
 * The reference's vertical box of window w down `height` rows, one call per output row o: the row it adds and the
 * row it drops (negative for none: past the last row or before the first), and the window's size then. Calls with
 * o < 0 only prime the sums (the window's first half).
 */
function forEachWindow(height: number, w: number, visit: (o: number, add: number, drop: number, count: number) => void): void {
  const half = (w + 2) >> 1;
  for (let o = 1 - half; o < height; o++) {
    const add = o + half - 1;
    const drop = add - w;
    visit(o, add < height ? add : -1, drop, Math.min(add, height - 1) - Math.max(drop, -1));
  }
}
