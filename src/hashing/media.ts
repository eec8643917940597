import sharp, { type Metadata } from 'sharp';

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

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? 'unknown error';
}

export function firstErrorLine(e: unknown): string {
  return firstLine(e);
}
