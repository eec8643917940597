// The streamed, 4-lane Jarosz filter (with pass 1's reciprocal multiplies) against a plain whole-image version that
// divides, on random images of awkward sizes: the two must agree bit for bit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { downsample64, jaroszWindowSize, samplePoints } from '../../../src/hashing/pdq/jarosz.js';
import { lumaRow } from '../../../src/hashing/pdq/luma.js';

const f = Math.fround;

/** The reference's 1-D box filter, one position at a time with a true division. */
function box1d(a: Float32Array, off: number, stride: number, len: number, w: number, out: Float32Array): void {
  const half = (w + 2) >> 1;
  let sum = 0;
  let n = 0;
  for (let r = 0; r < half - 1; r++, n++) sum = f(sum + a[off + r * stride]!);
  for (let o = 0; o < len; o++) {
    const r = o + half - 1;
    if (r < len) {
      sum = f(sum + a[off + r * stride]!);
      n++;
    }
    if (r - w >= 0) {
      sum = f(sum - a[off + (r - w) * stride]!);
      n--;
    }
    out[off + o * stride] = sum / n;
  }
}

function naiveDownsample(px: Uint8Array, width: number, height: number): Float32Array {
  const wx = jaroszWindowSize(width);
  const wy = jaroszWindowSize(height);
  let a = new Float32Array(width * height);
  for (let y = 0; y < height; y++) lumaRow(px, y * width * 3, width, 3, a, y * width);
  for (let pass = 0; pass < 2; pass++) {
    const b = new Float32Array(a.length);
    for (let y = 0; y < height; y++) box1d(a, y * width, 1, width, wx, b);
    const c = new Float32Array(a.length);
    for (let x = 0; x < width; x++) box1d(b, x, width, height, wy, c);
    a = c;
  }
  const rows = samplePoints(height);
  const cols = samplePoints(width);
  const out = new Float32Array(64 * 64);
  for (let i = 0; i < 64; i++) for (let j = 0; j < 64; j++) out[i * 64 + j] = a[rows[i]! * width + cols[j]!]!;
  return out;
}

test('the streamed Jarosz filter matches a whole-image one bit for bit', () => {
  let seed = 12345;
  const rnd = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 24;
  };
  const sizes = [[5, 5], [7, 130], [63, 65], [129, 257], [300, 7], [401, 203], [1000, 11], [257, 390]] as const;
  for (const [w, h] of sizes) {
    const px = new Uint8Array(w * h * 3);
    // Smooth areas with noise, so sums cancel as in photos.
    for (let i = 0; i < px.length; i++) px[i] = (i % 7 === 0 ? rnd() : ((i / 3) % w) * 0.5 + (rnd() & 3)) & 255;
    const got = downsample64(px, w, h, 3);
    const want = naiveDownsample(px, w, h);
    assert.deepEqual(new Uint32Array(got.buffer), new Uint32Array(want.buffer), `${w}x${h}`);
  }
});
