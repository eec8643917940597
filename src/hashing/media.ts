import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { extractFrames, probeVideo, scaledSize, VpdqError } from './vpdq/frames.js';

export class MediaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MediaError';
  }
}

export interface ProbedMedia {
  mime: string;
  kind: 'image' | 'video';
  width: number | null;
  height: number | null;
}

const IMAGE_MIME: Record<string, string> = {
  jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif', tiff: 'image/tiff', heif: 'image/avif',
  avif: 'image/avif',
};

/** Recognises the video containers platforms send; Haven keeps their digests (frame hashing comes with vPDQ). */
function videoMime(b: Uint8Array): string | null {
  const ascii = (from: number, to: number) => Buffer.from(b.subarray(from, to)).toString('latin1');
  if (b.length >= 12 && ascii(4, 8) === 'ftyp') return ascii(8, 10) === 'qt' ? 'video/quicktime' : 'video/mp4';
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'video/webm';
  if (b.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'AVI ') return 'video/x-msvideo';
  return null;
}

/**
 * Identifies a media part by its bytes (never by the declared type) and fully decodes images, so a truncated or
 * corrupt file is refused at the door instead of failing later in a detector.
 */
export async function probeMedia(bytes: Uint8Array, maxPixels: number, opts: { decodeCheck?: boolean } = {}): Promise<ProbedMedia> {
  const video = videoMime(bytes);
  if (video) return { mime: video, kind: 'video', width: null, height: null };
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { failOn: 'truncated', limitInputPixels: maxPixels }).metadata();
  } catch (e) {
    throw new MediaError(`not a supported image or video (${firstLine(e)})`);
  }
  const format = meta.format ? IMAGE_MIME[meta.format] : undefined;
  if (!format || !meta.width || !meta.height) throw new MediaError(`unsupported image format ${meta.format ?? 'unknown'}`);
  if (meta.width * meta.height > maxPixels) {
    throw new MediaError(`image is ${meta.width}x${meta.height}, over the limit of ${maxPixels} pixels`);
  }
  // Callers that hash the pixels next decode them fully anyway and get the same check there.
  if (opts.decodeCheck !== false) {
    try {
      await sharp(bytes, { failOn: 'truncated', limitInputPixels: maxPixels }).resize(32, 32, { fit: 'inside' }).raw().toBuffer();
    } catch (e) {
      throw new MediaError(`image cannot be decoded (${firstLine(e)})`);
    }
  }
  return { mime: format, kind: 'image', width: meta.width, height: meta.height };
}

/** A blurred, greyscale, low-resolution preview: what most roles see instead of the media itself. */
export async function blurredPreview(bytes: Uint8Array, maxPixels: number): Promise<Buffer> {
  return sharp(bytes, { limitInputPixels: maxPixels })
    .resize(160, 160, { fit: 'inside' })
    .greyscale()
    .blur(6)
    .webp({ quality: 50 })
    .toBuffer();
}

/** How the review bench shows media: blurSigma 0 is no blur (src/review/wellness.ts renderingFor). */
export interface MediaRendering {
  blurSigma: number;
  grayscale: boolean;
}

/** sharp refuses sigmas below this; anything smaller is not a visible blur anyway. */
const MIN_SIGMA = 0.3;

/**
 * Renders an image for a reviewer as WebP, scaled to at most maxSide on its longer side, blurred and greyscale as
 * asked. Even the unblurred rendering is re-encoded: metadata (location, camera) never reaches the reviewer.
 */
export async function renderForReview(bytes: Uint8Array, rendering: MediaRendering, opts: { maxSide: number; maxPixels: number }): Promise<Buffer> {
  if (!(rendering.blurSigma >= 0) || !Number.isFinite(rendering.blurSigma)) throw new RangeError(`blurSigma must be >= 0, not ${rendering.blurSigma}`);
  try {
    let img = sharp(bytes, { limitInputPixels: opts.maxPixels })
      .rotate()
      .resize(opts.maxSide, opts.maxSide, { fit: 'inside', withoutEnlargement: true });
    if (rendering.grayscale) img = img.greyscale();
    if (rendering.blurSigma >= MIN_SIGMA) img = img.blur(rendering.blurSigma);
    // Unaltered renderings keep their colours exactly (lossy WebP halves the colour resolution); others need not.
    const faithful = rendering.blurSigma < MIN_SIGMA && !rendering.grayscale;
    return await img.webp(faithful ? { nearLossless: true, quality: 80 } : { quality: 80 }).toBuffer();
  } catch (e) {
    throw new MediaError(`image cannot be rendered (${firstLine(e)})`);
  }
}

/** ffmpeg is not installed, so a video can be neither hashed nor shown as a still frame. */
export class VideoToolMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VideoToolMissingError';
  }
}

/**
 * The first frame of a video as PNG (lossless: the caller blurs it next), at most MAX_SIDE px, so the review
 * bench can show a still instead of the video until the reviewer asks for the original. Uses the vPDQ decoder.
 */
export async function videoPosterFrame(bytes: Uint8Array, opts: { timeoutMs?: number } = {}): Promise<Buffer> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  const dir = await mkdtemp(join(tmpdir(), 'haven-poster-'));
  try {
    const path = join(dir, 'video');
    await writeFile(path, bytes, { mode: 0o600 });
    const probed = await probeVideo(path, deadline);
    const size = scaledSize(probed.width, probed.height);
    for await (const frame of extractFrames(path, size, { maxFrames: 1, deadline })) {
      return await sharp(frame.pixels, { raw: { width: frame.width, height: frame.height, channels: 3 } }).png().toBuffer();
    }
    throw new MediaError('the video has no decodable frames');
  } catch (e) {
    if (e instanceof MediaError) throw e;
    const message = firstLine(e);
    if (e instanceof VpdqError && /ffmpeg not found/i.test(message)) throw new VideoToolMissingError(message);
    throw new MediaError(`video cannot be decoded (${message})`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? 'unknown error';
}

export function firstErrorLine(e: unknown): string {
  return firstLine(e);
}
