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

/** A benign generated scene: gradients and shapes, asymmetric so that every rotation and mirror looks different. */
function sceneSvg(seed: number, W = 640, H = 480): string {
  const c = (k: number) => `hsl(${(seed * 97 + k * 53) % 360},70%,${35 + ((seed + k) % 4) * 10}%)`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="0.3"><stop offset="0" stop-color="${c(0)}"/><stop offset="1" stop-color="${c(1)}"/></linearGradient>
    <radialGradient id="r"><stop offset="0" stop-color="${c(2)}"/><stop offset="1" stop-color="${c(3)}"/></radialGradient></defs>
    <rect width="${W}" height="${H}" fill="url(#g)"/>
    <circle cx="${180 + seed * 40}" cy="${150 + seed * 10}" r="${90 + seed * 5}" fill="url(#r)"/>
    <rect x="${380 - seed * 30}" y="${260}" width="200" height="${120 + seed * 10}" fill="${c(4)}" transform="rotate(${12 + seed * 7} 480 320)"/>
    <polygon points="40,440 ${200 + seed * 20},300 300,460" fill="${c(5)}"/>
    <ellipse cx="520" cy="${90 + seed * 15}" rx="80" ry="40" fill="${c(6)}"/>
    <rect x="60" y="60" width="60" height="60" fill="${c(7)}"/></svg>`;
}

export async function scenePng(seed: number): Promise<Buffer> {
  return sharp(Buffer.from(sceneSvg(seed))).png().toBuffer();
}
