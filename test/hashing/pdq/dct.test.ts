// The WebAssembly DCT against the reference's loops written out in plain float32 JavaScript: bit for bit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DCT_MATRIX, dct64To16 } from '../../../src/hashing/pdq/dct.js';

const f = Math.fround;

function plainDct(a: Float32Array): Float32Array {
  const d = DCT_MATRIX;
  const t = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      let s = 0;
      for (let k = 0; k < 64; k++) s = f(s + f(d[i * 64 + k]! * a[k * 64 + j]!));
      t[i * 64 + j] = s;
    }
  }
  const out = new Float32Array(256);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      let s = 0;
      for (let k = 0; k < 64; k++) s = f(s + f(t[i * 64 + k]! * d[j * 64 + k]!));
      out[i * 16 + j] = s;
    }
  }
  return out;
}

test('dct64To16 equals the reference loops bit for bit, at every scale and sign', () => {
  let seed = 4242;
  const rnd = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  for (let n = 0; n < 200; n++) {
    const scale = [1, 255, 1e-3, 1e6][n % 4]!;
    const a = new Float32Array(4096);
    for (let i = 0; i < a.length; i++) a[i] = (rnd() - (n % 8 < 4 ? 0 : 0.5)) * scale;
    assert.deepEqual(new Uint32Array(dct64To16(a).buffer), new Uint32Array(plainDct(a).buffer), `block ${n}`);
  }
});
