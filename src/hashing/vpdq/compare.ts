// vPDQ comparison: pure functions over frame hash lists, no ffmpeg or PDQ needed (usable on stored hashes).
import { VpdqError } from './frames.js';

export interface VpdqFrame {
  index: number;
  timestampSec: number;
  hash: string;
  quality: number;
}

export interface VpdqCompareOptions {
  /** A frame matches another at a PDQ Hamming distance at most this. Default 31. */
  distance?: number;
  /** Frames below this PDQ quality (0-100) are ignored: flat frames hash alike whatever the video. Default 50. */
  qualityThreshold?: number;
  /** Share (0-100) of distinct query frames that must have a match in the target. Default 80. */
  queryMatchPercent?: number;
  /** Share (0-100) of distinct target frames that must have a match in the query. Default 80. */
  targetMatchPercent?: number;
}

export interface VpdqComparison {
  queryMatchPercent: number;
  targetMatchPercent: number;
  match: boolean;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Quality filter then deduplication: repeated frames (a still scene) would otherwise weigh more than others. */
function distinctHashes(frames: VpdqFrame[], qualityThreshold: number): Uint32Array[] {
  const seen = new Map<string, Uint32Array>();
  for (const f of frames) {
    if (f.quality < qualityThreshold) continue;
    const hex = f.hash.toLowerCase();
    if (seen.has(hex)) continue;
    if (!HEX64.test(hex)) throw new VpdqError(`frame ${f.index}: not a 64-hex-digit PDQ hash`);
    const words = new Uint32Array(8);
    for (let i = 0; i < 8; i++) words[i] = Number.parseInt(hex.slice(i * 8, i * 8 + 8), 16);
    seen.set(hex, words);
  }
  return [...seen.values()];
}

function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Hamming distance that gives up once past `limit`: the comparison is quadratic in frames, this keeps it cheap. */
function within(a: Uint32Array, b: Uint32Array, limit: number): boolean {
  let d = 0;
  for (let i = 0; i < 8; i++) {
    d += popcount32((a[i]! ^ b[i]!) >>> 0);
    if (d > limit) return false;
  }
  return true;
}

function matchedShare(from: Uint32Array[], to: Uint32Array[], limit: number): number {
  let matched = 0;
  for (const a of from) if (to.some((b) => within(a, b, limit))) matched++;
  return (matched * 100) / from.length;
}

/**
 * Compares two frame lists as unordered bags of hashes (timestamps are not used, so clips and re-cuts match):
 * the percentage of distinct good-quality query frames with a target frame within `distance`, and the reverse.
 */
export function vpdqCompare(query: VpdqFrame[], target: VpdqFrame[], opts: VpdqCompareOptions = {}): VpdqComparison {
  const distance = opts.distance ?? 31;
  const q = distinctHashes(query, opts.qualityThreshold ?? 50);
  const t = distinctHashes(target, opts.qualityThreshold ?? 50);
  // Nothing left to compare (blank or unhashable video) is never a match.
  if (q.length === 0 || t.length === 0) return { queryMatchPercent: 0, targetMatchPercent: 0, match: false };
  const queryMatchPercent = matchedShare(q, t, distance);
  const targetMatchPercent = matchedShare(t, q, distance);
  const match = queryMatchPercent >= (opts.queryMatchPercent ?? 80) && targetMatchPercent >= (opts.targetMatchPercent ?? 80);
  return { queryMatchPercent, targetMatchPercent, match };
}
