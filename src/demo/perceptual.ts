import sharp, { type Sharp } from 'sharp';
import type { AccountInput, ItemInput } from '../core/item-input.js';
import { pdqHashImage } from '../hashing/pdq/index.js';
import type { DemoBank, DemoWorld } from './world.js';

export const DEMO_PERCEPTUAL_BANK = 'demo-perceptual';

/** A generated, photo-like scene (gradients and shapes): rich enough for a reliable PDQ, depicting nothing. */
function sceneSvg(seed: number): string {
  const c = (k: number) => `hsl(${(seed * 97 + k * 53) % 360},65%,${35 + ((seed + k) % 4) * 10}%)`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="0.3"><stop offset="0" stop-color="${c(0)}"/><stop offset="1" stop-color="${c(1)}"/></linearGradient></defs>
    <rect width="640" height="480" fill="url(#g)"/>
    <circle cx="${150 + seed * 45}" cy="${140 + seed * 12}" r="${80 + seed * 6}" fill="${c(2)}"/>
    <rect x="${360 - seed * 25}" y="250" width="210" height="${110 + seed * 12}" fill="${c(3)}" transform="rotate(${10 + seed * 9} 470 320)"/>
    <polygon points="30,450 ${190 + seed * 25},${290 + seed * 5} 310,470" fill="${c(4)}"/>
    <ellipse cx="${500 - seed * 10}" cy="${80 + seed * 18}" rx="85" ry="38" fill="${c(5)}"/></svg>`;
}

/** How a re-upload was changed: each survives PDQ, some only through the dihedral variants. */
const EDITS: { name: string; apply: (s: Sharp) => Sharp }[] = [
  { name: 'resized to 60% and recompressed', apply: (s) => s.resize(384, 288).jpeg({ quality: 50 }) },
  { name: 'mirrored', apply: (s) => s.flop().jpeg({ quality: 80 }) },
  { name: 'rotated a quarter turn', apply: (s) => s.rotate(90).png() },
];

/**
 * The perceptual part of the demo: a bank of PDQ hashes of generated scenes, and posts carrying edited copies of
 * them (resized, mirrored, rotated) that exact digests cannot catch, a cropped copy that slips past the match radius
 * (the evasion the demo escalation investigates), plus an unrelated scene that must not match.
 */
export async function perceptualDemo(world: Pick<DemoWorld, 'accounts'>, now: number): Promise<{ bank: DemoBank; items: ItemInput[] }> {
  const entries = [];
  const items: ItemInput[] = [];
  const posters: AccountInput[] = world.accounts.filter((a) => a.ageBand === 'adult').slice(0, 8);
  if (posters.length === 0) return { bank: { name: DEMO_PERCEPTUAL_BANK, description: '', source: 'demo', entries: [] }, items };
  for (const seed of [1, 2, 3]) {
    const original = await sharp(Buffer.from(sceneSvg(seed))).png().toBuffer();
    const { hash } = await pdqHashImage(original, { maxPixels: 10_000_000 });
    entries.push({ hashType: 'pdq' as const, hash, category: 'CSE-01', classification: 'A1' as const, label: 'synthetic demo entry (generated scene)' });
    const edit = EDITS[seed - 1] as (typeof EDITS)[number];
    const copy = await edit.apply(sharp(original)).toBuffer();
    items.push({
      externalId: `post_pdq_${seed}`, surface: 'public_post', kind: 'multimodal', text: `Reposting this (${edit.name})`,
      media: [{ data: copy.toString('base64') }], author: { externalId: (posters[seed % posters.length] as AccountInput).externalId },
      createdAt: now - seed * 3_600_000, metadata: { synthetic: true, scenario: 'edited_copy', edit: edit.name },
    });
  }
  // An evasion for investigations to find: a 4% crop takes the hash past the match radius (a near miss, not a match).
  const cropped = await sharp(Buffer.from(sceneSvg(1))).extract({ left: 24, top: 0, width: 616, height: 480 }).png().toBuffer();
  items.push({
    externalId: 'post_pdq_crop', surface: 'public_post', kind: 'multimodal', text: 'Reposting this (trimmed a little)',
    media: [{ data: cropped.toString('base64') }], author: { externalId: (posters[4 % posters.length] as AccountInput).externalId },
    createdAt: now - 4 * 3_600_000, metadata: { synthetic: true, scenario: 'evasion_crop', edit: 'cropped 4% from the left', labels: ['CSE-01'] },
  });
  const unrelated = await sharp(Buffer.from(sceneSvg(7))).jpeg({ quality: 85 }).toBuffer();
  items.push({
    externalId: 'post_pdq_unrelated', surface: 'public_post', kind: 'image', media: [{ data: unrelated.toString('base64') }],
    author: { externalId: (posters[0] as AccountInput).externalId }, createdAt: now - 5 * 3_600_000,
    metadata: { synthetic: true, scenario: 'benign' },
  });
  return {
    bank: {
      name: DEMO_PERCEPTUAL_BANK, source: 'demo', entries,
      description: 'PDQ hashes of generated scenes, labelled as known so perceptual matching of edited copies can be demonstrated. Contains no real material.',
    },
    items,
  };
}
