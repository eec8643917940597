import { dct64To16 } from './dct.js';
import { dihedralBlock } from './dihedral.js';
import { PdqError } from './errors.js';
import { bitsToHex, qualityMetric } from './hash.js';
import { downsample64 } from './jarosz.js';

export interface PdqResult {
  hash: string;
  quality: number;
  /** 8 hashes in the reference order: orig, rot90, rot180, rot270, flipx, flipy, flip_plus1, flip_minus1. */
  dihedral: string[];
  width: number;
  height: number;
}

/** Below this the reference declines to hash and reports an all-zero hash of quality 0. */
export const MIN_HASHABLE_DIM = 5;
const ZERO_HASH = '0'.repeat(64);

function checkInput(pixels: Uint8Array, width: number, height: number, channels: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new PdqError(`invalid image size ${width}x${height}`);
  }
  if (!Number.isInteger(channels) || channels < 1 || channels > 4) throw new PdqError(`unsupported channel count ${channels} (1 to 4)`);
  if (pixels.length < width * height * channels) {
    throw new PdqError(`pixel buffer holds ${pixels.length} bytes, ${width}x${height}x${channels} needs ${width * height * channels}`);
  }
}

/** PDQ of raw interleaved pixels; `greyLuma` takes channel 0 as the luma (the reference CLI's greyscale path). */
export function pdqFromPixels(pixels: Uint8Array, width: number, height: number, channels: number, greyLuma: boolean): PdqResult {
  checkInput(pixels, width, height, channels);
  if (width < MIN_HASHABLE_DIM || height < MIN_HASHABLE_DIM) {
    return { hash: ZERO_HASH, quality: 0, dihedral: Array.from({ length: 8 }, () => ZERO_HASH), width, height };
  }
  const block64 = downsample64(pixels, width, height, channels, greyLuma);
  const quality = qualityMetric(block64);
  const dct = dct64To16(block64);
  const dihedral = [bitsToHex(dct)];
  const aux = new Float32Array(256);
  for (let v = 1; v < 8; v++) dihedral.push(bitsToHex(dihedralBlock(dct, v, aux)));
  return { hash: dihedral[0]!, quality, dihedral, width, height };
}

/**
 * PDQ hash, quality and the 8 dihedral hashes of raw interleaved pixels (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA; alpha
 * ignored). Bit-identical to the reference core given the same pixels.
 */
export function pdqFromRgb(pixels: Uint8Array, width: number, height: number, channels: number): PdqResult {
  return pdqFromPixels(pixels, width, height, channels, false);
}
