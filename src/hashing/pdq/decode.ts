import sharp from 'sharp';
import { type PdqResult, pdqFromPixels } from './core.js';
import { PdqError } from './errors.js';

/** Longer sides than this are refused whatever the pixel count (a 5 x 10,000,000 strip would need gigabytes). */
export const MAX_SIDE = 100_000;

export interface PdqImageOptions {
  /** Refuse images with more pixels than this (checked from the header, before decoding). */
  maxPixels: number;
  /**
   * Reproduce the reference command-line tool: images over 512 px on either side are first squashed to 512x512 by
   * nearest neighbour, an embedded ICC profile is ignored (its image loader does no colour management), and
   * greyscale images use the grey level as luma. Default: hash the full-resolution, colour-managed pixels, as the
   * reference library is given them.
   */
  referenceCliResize?: boolean;
}

const CLI_SIZE = 512;

function reason(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();
}

/** Nearest neighbour as the reference CLI's image library does it: source index floor(x * old / new). */
export function squashNearest(px: Uint8Array, width: number, height: number, channels: number, size = CLI_SIZE): Uint8Array {
  const out = new Uint8Array(size * size * channels);
  const srcX = new Int32Array(size);
  for (let x = 0; x < size; x++) srcX[x] = Math.floor((x * width) / size) * channels;
  let o = 0;
  for (let y = 0; y < size; y++) {
    const row = Math.floor((y * height) / size) * width * channels;
    for (let x = 0; x < size; x++) for (let c = 0, s = row + srcX[x]!; c < channels; c++) out[o++] = px[s + c]!;
  }
  return out;
}

/** Decoded first frame as stored (no EXIF rotation), 8 bits per channel. */
export async function decodeForPdq(
  bytes: Uint8Array,
  maxPixels: number,
  ignoreIcc = false,
): Promise<{ data: Uint8Array; width: number; height: number; channels: number }> {
  if (bytes.length === 0) throw new PdqError('empty file (0 bytes), not an image');
  const options = { failOn: 'truncated' as const, limitInputPixels: maxPixels, ignoreIcc };
  let width: number | undefined;
  let height: number | undefined;
  try {
    ({ width, height } = await sharp(bytes, { ...options, limitInputPixels: false }).metadata());
  } catch (e) {
    throw new PdqError(`not a decodable image (${reason(e)})`);
  }
  if (!width || !height) throw new PdqError('image has no width or height');
  // The second blur pass holds one float per row and output column: bound the side, not only the area.
  if (width > MAX_SIDE || height > MAX_SIDE) throw new PdqError(`image is ${width}x${height}; a side over ${MAX_SIDE} pixels is refused`);
  if (width * height > maxPixels) {
    throw new PdqError(`image is ${width}x${height} (${width * height} pixels), over the limit of ${maxPixels} pixels`);
  }
  try {
    const { data, info } = await sharp(bytes, options).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: info.channels };
  } catch (e) {
    throw new PdqError(`image cannot be decoded (${reason(e)})`);
  }
}

/** Decodes an image with sharp and PDQ-hashes its pixels; PdqError names why an input is refused. */
export async function pdqHashImage(bytes: Uint8Array, opts: PdqImageOptions): Promise<PdqResult> {
  const img = await decodeForPdq(bytes, opts.maxPixels, opts.referenceCliResize === true);
  let { data, width, height } = img;
  const { channels } = img;
  if (opts.referenceCliResize && (width > CLI_SIZE || height > CLI_SIZE)) {
    data = squashNearest(data, width, height, channels);
    width = CLI_SIZE;
    height = CLI_SIZE;
  }
  return pdqFromPixels(data, width, height, channels, opts.referenceCliResize === true && channels <= 2);
}
