// The streamed WebAssembly Jarosz filter against a plain whole-image version written directly from the reference
// (one float32 operation at a time, true divisions), on random images of awkward sizes and every pixel layout: the
// two must agree bit for bit.
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

function naiveDownsample(px: Uint8Array, width: number, height: number, channels: number, greyLuma: boolean): Float32Array {
  const wx = jaroszWindowSize(width);
  const wy = jaroszWindowSize(height);
  let a = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    if (greyLuma) for (let x = 0; x < width; x++) a[y * width + x] = px[(y * width + x) * channels]!;
    else lumaRow(px, y * width * channels, width, channels, a, y * width);
  }
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

function randomImage(width: number, height: number, channels: number, rnd: () => number): Uint8Array {
  const px = new Uint8Array(width * height * channels);
  // Smooth areas with noise, so sums cancel as in photos.
  for (let i = 0; i < px.length; i++) px[i] = (i % 7 === 0 ? rnd() : ((i / channels) % width) * 0.5 + (rnd() & 3)) & 255;
  return px;
}

function lcg(seed: number): () => number {
  return () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 24;
  };
}

const SIZES = [[5, 5], [7, 130], [63, 65], [129, 257], [300, 7], [401, 203], [1000, 11], [257, 390], [6, 9], [1030, 17]] as const;

test('the streamed Jarosz filter matches a whole-image one bit for bit', () => {
  const rnd = lcg(12345);
  for (const [w, h] of SIZES) {
    const px = randomImage(w, h, 3, rnd);
    const got = downsample64(px, w, h, 3);
    assert.deepEqual(new Uint32Array(got.buffer), new Uint32Array(naiveDownsample(px, w, h, 3, false).buffer), `${w}x${h}`);
  }
});

test('grey, grey+alpha and RGBA pixels, and the grey-level luma, match too', () => {
  const rnd = lcg(777);
  for (const channels of [1, 2, 4]) {
    for (const [w, h] of SIZES) {
      const px = randomImage(w, h, channels, rnd);
      for (const grey of [false, true]) {
        const got = downsample64(px, w, h, channels, grey);
        const want = naiveDownsample(px, w, h, channels, grey);
        assert.deepEqual(new Uint32Array(got.buffer), new Uint32Array(want.buffer), `${w}x${h}x${channels} grey=${grey}`);
      }
    }
  }
});

test('a smaller image after a larger one is unaffected by what the larger left behind', () => {
  const rnd = lcg(99);
  const big = randomImage(900, 700, 3, rnd);
  const small = randomImage(37, 23, 3, rnd);
  const first = downsample64(small, 37, 23, 3);
  downsample64(big, 900, 700, 3);
  assert.deepEqual(downsample64(small, 37, 23, 3), first);
});
