import { PdqError } from './errors.js';

const HEX64 = /^[0-9a-f]{64}$/i;

export function isPdqHex(s: string): boolean {
  return HEX64.test(s);
}

export function hexToBytes(hash: string): Uint8Array {
  if (!isPdqHex(hash)) throw new PdqError(`not a 64-hex-character PDQ hash: ${JSON.stringify(hash.slice(0, 80))}`);
  return Uint8Array.from(Buffer.from(hash, 'hex'));
}

export function bytesToHex(b: Uint8Array): string {
  if (b.length !== 32) throw new PdqError(`a PDQ hash is 32 bytes, got ${b.length}`);
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');
}

const POPCOUNT8 = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT8[i] = (i & 1) + (POPCOUNT8[i >> 1] ?? 0);

/** Number of differing bits between two hashes (0..256); matching uses a threshold such as 31. */
export function hammingDistance(a: string, b: string): number {
  const x = hexToBytes(a);
  const y = hexToBytes(b);
  let d = 0;
  for (let i = 0; i < 32; i++) d += POPCOUNT8[(x[i] ?? 0) ^ (y[i] ?? 0)] ?? 0;
  return d;
}

/**
 * The reference stores bit k (k = row * 16 + col of the 16x16 DCT block) in 16-bit word k >> 4, at bit k & 15, and
 * prints the words from 15 down to 0, each as 4 hex digits.
 */
export function wordsToHex(words: Uint16Array): string {
  let s = '';
  for (let w = 15; w >= 0; w--) s += (words[w] ?? 0).toString(16).padStart(4, '0');
  return s;
}
