/**
 * Benign generated images for the demo: gradients, stripes, checkers, circles, rings and blocky noise, drawn into a
 * raw RGB buffer from a seeded PRNG and encoded with sharp. Nothing here is a photograph or depicts anything.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { Rng } from './random.js';

export interface DemoImage {
  bytes: Buffer;
  mime: 'image/png' | 'image/jpeg';
  width: number;
  height: number;
  pattern: Pattern;
  sha256: string;
  md5: string;
}

const PATTERNS = ['gradient', 'radial', 'stripes', 'checker', 'circles', 'rings', 'noise'] as const;
type Pattern = (typeof PATTERNS)[number];
const SIZES: readonly [number, number][] = [
  [64, 64], [96, 96], [128, 128], [160, 120], [200, 150], [240, 180], [256, 192], [320, 240],
];

type Rgb = [number, number, number];

function colour(rng: Rng): Rgb {
  return [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)];
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** Draws one pattern; every parameter comes from `rng`, so the pixels are a pure function of the seed. */
function draw(rng: Rng, pattern: Pattern, w: number, h: number): Uint8Array {
  const px = new Uint8Array(w * h * 3);
  const a = colour(rng);
  const b = colour(rng);
  const set = (x: number, y: number, c: Rgb): void => {
    const o = (y * w + x) * 3;
    px[o] = c[0];
    px[o + 1] = c[1];
    px[o + 2] = c[2];
  };
  const angle = rng.next() * Math.PI;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const period = rng.int(6, 40);
  const cx = rng.int(0, w - 1);
  const cy = rng.int(0, h - 1);
  const diag = Math.hypot(w, h);
  const circles = Array.from({ length: rng.int(3, 12) }, () => ({
    x: rng.int(0, w - 1), y: rng.int(0, h - 1), r: rng.int(4, Math.max(5, Math.floor(w / 3))), c: colour(rng),
  }));
  const cell = rng.int(4, 16);
  const cols = Math.ceil(w / cell);
  const grid = Array.from({ length: cols * Math.ceil(h / cell) }, () => rng.next());
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let c: Rgb;
      switch (pattern) {
        case 'gradient': c = mix(a, b, Math.min(1, Math.abs(x * cos + y * sin) / diag)); break;
        case 'radial': c = mix(a, b, Math.min(1, Math.hypot(x - cx, y - cy) / (diag / 2))); break;
        case 'stripes': c = Math.floor((x * cos + y * sin) / period) % 2 === 0 ? a : b; break;
        case 'checker': c = (Math.floor(x / period) + Math.floor(y / period)) % 2 === 0 ? a : b; break;
        case 'rings': c = Math.floor(Math.hypot(x - cx, y - cy) / period) % 2 === 0 ? a : b; break;
        case 'noise': c = mix(a, b, grid[Math.floor(y / cell) * cols + Math.floor(x / cell)] as number); break;
        case 'circles': {
          c = mix(a, b, y / h);
          for (const k of circles) if ((x - k.x) ** 2 + (y - k.y) ** 2 <= k.r * k.r) c = k.c;
          break;
        }
      }
      set(x, y, c);
    }
  }
  return px;
}

async function encode(px: Uint8Array, w: number, h: number, mime: DemoImage['mime']): Promise<Buffer> {
  const img = sharp(px, { raw: { width: w, height: h, channels: 3 } });
  return mime === 'image/png' ? img.png({ compressionLevel: 6 }).toBuffer() : img.jpeg({ quality: 82 }).toBuffer();
}

/** One image from its own PRNG stream, so image i does not depend on how many images came before it. */
export async function generateImage(seed: number, index: number): Promise<DemoImage> {
  const rng = new Rng(seed, 10_000 + index);
  const pattern = rng.pick(PATTERNS);
  const [width, height] = rng.pick(SIZES);
  const mime = rng.chance(0.7) ? 'image/png' : 'image/jpeg';
  const bytes = await encode(draw(rng, pattern, width, height), width, height, mime);
  return {
    bytes, mime, width, height, pattern,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    md5: createHash('md5').update(bytes).digest('hex'),
  };
}

/**
 * `count` images with pairwise distinct bytes. Two flat patterns can in principle encode identically; a clash is
 * replaced by drawing from a later stream index, which is still deterministic.
 */
export async function generateImages(seed: number, count: number): Promise<DemoImage[]> {
  const out = await Promise.all(Array.from({ length: count }, (_v, i) => generateImage(seed, i)));
  const seen = new Set<string>();
  let spare = count;
  for (let i = 0; i < out.length; i++) {
    while (seen.has((out[i] as DemoImage).sha256)) out[i] = await generateImage(seed, spare++);
    seen.add((out[i] as DemoImage).sha256);
  }
  return out;
}
