import { hammingDistance } from '../../hashing/pdq/index.js';

/**
 * Hash evasion: near-miss PDQ hashes around one banked entry, grouped into variant families. Two variants are in one
 * family when a chain of variants links them, each step at most `linkRadius` bits (single-link clustering): a crop
 * of a crop stays in the family of the first crop. Pure; quadratic in the variants of one entry, which the caller
 * bounds.
 */

export const FAMILY_LINK_RADIUS = 31;

export interface NearMissVariant {
  itemId: string;
  /** The media's PDQ (hex). */
  hash: string;
  /** Distance to the banked entry. */
  distance: number;
  /** When the near miss was recorded (the signal's time). */
  seenAt: number;
}

export interface VariantFamily {
  /** Stable within one answer: the entry id and the first variant's hash prefix. */
  id: string;
  variants: number;
  /** Distinct hashes in the family. */
  hashes: string[];
  itemIds: string[];
  firstSeenAt: number;
  lastSeenAt: number;
  minDistance: number;
  maxDistance: number;
}

export function variantFamilies(entryId: string, variants: readonly NearMissVariant[], linkRadius = FAMILY_LINK_RADIUS): VariantFamily[] {
  const hashes = [...new Set(variants.map((v) => v.hash))].sort();
  const parent = hashes.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i] as number] as number;
      i = parent[i] as number;
    }
    return i;
  };
  for (let i = 0; i < hashes.length; i++) {
    for (let j = i + 1; j < hashes.length; j++) {
      if (hammingDistance(hashes[i] as string, hashes[j] as string) <= linkRadius) {
        const a = find(i);
        const b = find(j);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  }
  const rootOf = new Map(hashes.map((h, i) => [h, find(i)]));
  const groups = new Map<number, NearMissVariant[]>();
  for (const v of variants) {
    const root = rootOf.get(v.hash) as number;
    groups.set(root, [...(groups.get(root) ?? []), v]);
  }
  const families: VariantFamily[] = [];
  for (const list of groups.values()) {
    const sorted = [...list].sort((a, b) => a.seenAt - b.seenAt || (a.itemId < b.itemId ? -1 : 1));
    const first = sorted[0] as NearMissVariant;
    families.push({
      id: `${entryId}:${first.hash.slice(0, 12)}`,
      variants: sorted.length,
      hashes: [...new Set(sorted.map((v) => v.hash))],
      itemIds: [...new Set(sorted.map((v) => v.itemId))],
      firstSeenAt: first.seenAt,
      lastSeenAt: (sorted[sorted.length - 1] as NearMissVariant).seenAt,
      minDistance: Math.min(...sorted.map((v) => v.distance)),
      maxDistance: Math.max(...sorted.map((v) => v.distance)),
    });
  }
  return families.sort((a, b) => a.firstSeenAt - b.firstSeenAt || (a.id < b.id ? -1 : 1));
}
