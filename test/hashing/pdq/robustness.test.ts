import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp, { type Sharp } from 'sharp';
import { scenePng as scene } from '../../helpers/images.js';
import { DIHEDRAL_NAMES, hammingDistance, pdqHashImage, type PdqResult } from '../../../src/hashing/pdq/index.js';

const MATCH = 31;
const W = 640;
const H = 480;
const opts = { maxPixels: 50_000_000 };
const SEED = 2;

function best(original: PdqResult, hash: string): { variant: string; distance: number } {
  const ds = original.dihedral.map((h) => hammingDistance(h, hash));
  const distance = Math.min(...ds);
  return { variant: DIHEDRAL_NAMES[ds.indexOf(distance)]!, distance };
}

const watermark = Buffer.from(
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><text x="${W - 230}" y="${H - 20}" font-family="sans-serif" font-size="28" fill="white" fill-opacity="0.8">© haven test</text></svg>`,
);
// 3% of each dimension cut away as a border (1.5% a side). PDQ itself is crop-sensitive: 3% off every side moves
// this scene and the reference photos by 48-68 bits, in the reference implementation as here (same bits).
const crop = { left: Math.round(W * 0.015), top: Math.round(H * 0.015), width: W - 2 * Math.round(W * 0.015), height: H - 2 * Math.round(H * 0.015) };

const EDITS: Record<string, (s: Sharp) => Sharp> = {
  'resize to 50%': (s) => s.resize(W / 2, H / 2),
  'JPEG quality 40': (s) => s.jpeg({ quality: 40 }),
  greyscale: (s) => s.greyscale(),
  '3% border crop': (s) => s.extract(crop),
  'text watermark': (s) => s.composite([{ input: watermark }]),
};

test('a generated image still matches its own hash after common edits', async () => {
  const png = await scene(SEED);
  const original = await pdqHashImage(png, opts);
  assert.ok(original.quality >= 50, `quality ${original.quality}`);
  for (const [name, edit] of Object.entries(EDITS)) {
    const edited = await edit(sharp(png)).toBuffer();
    const d = hammingDistance(original.hash, (await pdqHashImage(edited, opts)).hash);
    assert.ok(d <= MATCH, `${name}: distance ${d}`);
  }
});

// sharp's clockwise rotate(90) is the reference's rot270 (its rotations are counter-clockwise); flop mirrors left-right
// (the reference's flipy), flip mirrors top-bottom (flipx).
const DIHEDRAL_EDITS: [string, (s: Sharp) => Sharp, string][] = [
  ['rotate 90 clockwise', (s) => s.rotate(90), 'rot270'],
  ['rotate 180', (s) => s.rotate(180), 'rot180'],
  ['rotate 270 clockwise', (s) => s.rotate(270), 'rot90'],
  ['mirror left-right', (s) => s.flop(), 'flipy'],
  ['mirror top-bottom', (s) => s.flip(), 'flipx'],
  ['transpose', (s) => s.rotate(90).flop(), 'flip_minus1'],
  ['transverse', (s) => s.rotate(90).flip(), 'flip_plus1'],
];

test('rotated and mirrored copies match the corresponding dihedral hash of the original, and not the plain hash', async () => {
  const png = await scene(SEED);
  const original = await pdqHashImage(png, opts);
  for (const [name, edit, variant] of DIHEDRAL_EDITS) {
    const h = (await pdqHashImage(await edit(sharp(png)).png().toBuffer(), opts)).hash;
    const b = best(original, h);
    assert.equal(b.variant, variant, `${name}: closest variant ${b.variant} at ${b.distance}`);
    assert.ok(b.distance <= MATCH, `${name}: distance ${b.distance}`);
    assert.ok(hammingDistance(original.hash, h) > MATCH, `${name} should not match the unrotated hash`);
  }
});

test('a different image matches none of the 8 variants', async () => {
  const a = await pdqHashImage(await scene(SEED), opts);
  const b = await pdqHashImage(await scene(4), opts);
  const ds = a.dihedral.map((h) => hammingDistance(h, b.hash));
  assert.ok(Math.min(...ds) > MATCH, `distances ${ds.join(' ')}`);
});
