import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VideoFrameHash } from '../core/types.js';
import { firstErrorLine, MediaError } from './media.js';
import { pdqHashImageOffMainThread } from './pdq/off-thread.js';
import { vpdqHashVideo } from './vpdq/index.js';

export interface PerceptualHashes {
  pdq: string | null;
  pdqQuality: number | null;
  pdqDihedral: string[] | null;
  vpdq: VideoFrameHash[] | null;
  hashError: string | null;
}

const NONE: PerceptualHashes = { pdq: null, pdqQuality: null, pdqDihedral: null, vpdq: null, hashError: null };

/**
 * PDQ for images (decoding is also the integrity check: a corrupt image is refused), vPDQ for videos. A video
 * Haven cannot hash here (no ffmpeg) is still ingested and matched by digest, with the reason kept.
 */
export async function perceptualHashes(
  bytes: Buffer,
  probed: { kind: 'image' | 'video'; width: number | null; height: number | null },
  maxPixels: number,
): Promise<PerceptualHashes> {
  if (probed.kind === 'image') {
    try {
      const r = await pdqHashImageOffMainThread(bytes, { maxPixels }, (probed.width ?? 0) * (probed.height ?? 0));
      return { ...NONE, pdq: r.hash, pdqQuality: r.quality, pdqDihedral: r.dihedral };
    } catch (e) {
      throw new MediaError(`image cannot be decoded (${firstErrorLine(e)})`);
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'haven-video-'));
  try {
    const path = join(dir, 'video');
    await writeFile(path, bytes, { mode: 0o600 });
    const r = await vpdqHashVideo(path);
    return { ...NONE, vpdq: r.frames };
  } catch (e) {
    const message = firstErrorLine(e);
    if (/ffmpeg not found/i.test(message)) return { ...NONE, hashError: message };
    throw new MediaError(`video cannot be decoded (${message})`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
