// vPDQ: video matching with PDQ (after Meta's vPDQ in facebook/ThreatExchange). A video hash is the list of PDQ
// hashes of one frame per second; two videos match when enough of the frames of each have a close frame in the other.
import { pdqFromRgb } from '../pdq/index.js';
import type { VpdqFrame } from './compare.js';
import { DEFAULT_TIMEOUT_MS, extractFrames, probeVideo, scaledSize, VpdqError } from './frames.js';

export { type VpdqComparison, type VpdqCompareOptions, type VpdqFrame, vpdqCompare } from './compare.js';
export { VpdqError } from './frames.js';

export interface VpdqVideoHash {
  frames: VpdqFrame[];
  /** From the container; the number of sampled seconds when the container does not say. */
  durationSec: number;
  /** Display size of the source video (not the downscaled frames). */
  width: number;
  height: number;
  /** True when the video was longer than maxFrames seconds and only its beginning was hashed. */
  truncated: boolean;
}

export interface VpdqHashOptions {
  /** Frames (= seconds) hashed at most; later ones are ignored. Default 3600. */
  maxFrames?: number;
  /** Budget for probing and decoding together; ffmpeg is killed when it runs out. Default 10 minutes. */
  timeoutMs?: number;
}

/** Hashes one frame per second of the video at `path` with PDQ. Throws VpdqError on any decoding problem. */
export async function vpdqHashVideo(path: string, opts: VpdqHashOptions = {}): Promise<VpdqVideoHash> {
  const deadline = Date.now() + (opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const probed = await probeVideo(path, deadline);
  const size = scaledSize(probed.width, probed.height);
  const frames: VpdqFrame[] = [];
  let truncated = false;
  const extract = { maxFrames: opts.maxFrames, deadline, truncated: (t: boolean) => (truncated = t) };
  for await (const f of extractFrames(path, size, extract)) {
    const { hash, quality } = pdqFromRgb(f.pixels, f.width, f.height, 3);
    frames.push({ index: f.index, timestampSec: f.timestampSec, hash, quality });
  }
  if (frames.length === 0) throw new VpdqError('the video has no decodable frames');
  return { frames, durationSec: probed.durationSec ?? frames.length, width: probed.width, height: probed.height, truncated };
}
