import sharp from 'sharp';

/** A benign generated pattern: a colour gradient, distinct for each seed. */
export async function patternPng(seed: number, width = 96, height = 64): Promise<Buffer> {
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      px[i] = (x * 3 + seed * 37) % 256;
      px[i + 1] = (y * 5 + seed * 11) % 256;
      px[i + 2] = ((x + y) * 2 + seed * 71) % 256;
    }
  }
  return sharp(px, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

export async function patternJpeg(seed: number, width = 96, height = 64): Promise<Buffer> {
  return sharp(await patternPng(seed, width, height)).jpeg().toBuffer();
}
