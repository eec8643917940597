import { hammingBytes } from '../hashing/index/bits.js';
import { isPdqHex } from '../hashing/pdq/hex.js';
import type { Queryable } from '../store/db.js';
import {
  bankEntryHitsOfItems, categoriesOfEntries, itemIdsInConversation, itemIdsOfAuthor, itemLinks, itemsMatchingBankEntry, type MediaHash,
  pdqOfItems, recentPdqPage,
} from '../store/repos/escalation-related.js';

/**
 * Bounds of the search for related items, so one request never reads without limit:
 * - the newest 200 items of each author and of each conversation of the escalation's items;
 * - the newest 200 items whose signals name each bank entry the escalation's items matched (or nearly matched);
 * - near duplicates: the newest 200,000 media rows (ingest order) are compared in memory with the escalation's
 *   images, PDQ Hamming distance <= 31 over the 8 rotations and mirrors (the usual PDQ match distance). Older media
 *   is not searched; a bank entry made from the escalation's images catches older copies through the bank instead.
 * - at most 1,000 candidates in all.
 */
export const RELATED_BOUNDS = {
  perAuthor: 200,
  perConversation: 200,
  perBankEntry: 200,
  pdqScanRows: 200_000,
  pdqPageRows: 5_000,
  pdqMaxDistance: 31,
  maxCandidates: 1_000,
} as const;

/** Strongest first: the first relation of a candidate is the one recorded when it is added. */
export const RELATED_RELATIONS = ['same_bank_entry', 'near_duplicate', 'same_author', 'same_conversation'] as const;
export type RelatedRelation = (typeof RELATED_RELATIONS)[number];

export interface RelatedReason {
  relation: RelatedRelation;
  /** The escalation's item (or bank entry) it is related through. */
  via: string;
  detail: string;
}

export interface RelatedCandidate {
  entityType: 'item';
  entityId: string;
  relations: RelatedReason[];
}

const bytesOf = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

/** The smallest distance from any rotation or mirror of `query` to `candidate`. */
export function pdqDistance(queryVariants: readonly Uint8Array[], candidate: Uint8Array): number {
  let best = 256;
  for (const v of queryVariants) best = Math.min(best, hammingBytes(v, candidate));
  return best;
}

function variantsOf(m: MediaHash): Uint8Array[] {
  const hashes = [m.pdq, ...(m.dihedral ?? [])].filter(isPdqHex);
  return [...new Set(hashes)].map(bytesOf);
}

class Collector {
  private readonly byId = new Map<string, RelatedCandidate>();
  constructor(private readonly exclude: ReadonlySet<string>) {}

  add(itemId: string, reason: RelatedReason): void {
    if (this.exclude.has(itemId)) return;
    const c = this.byId.get(itemId);
    if (c) {
      if (!c.relations.some((r) => r.relation === reason.relation && r.via === reason.via)) c.relations.push(reason);
      return;
    }
    if (this.byId.size >= RELATED_BOUNDS.maxCandidates) return;
    this.byId.set(itemId, { entityType: 'item', entityId: itemId, relations: [reason] });
  }

  result(): RelatedCandidate[] {
    const rank = (c: RelatedCandidate) => Math.min(...c.relations.map((r) => RELATED_RELATIONS.indexOf(r.relation)));
    for (const c of this.byId.values()) c.relations.sort((a, b) => RELATED_RELATIONS.indexOf(a.relation) - RELATED_RELATIONS.indexOf(b.relation));
    return [...this.byId.values()].sort((a, b) => rank(a) - rank(b) || a.entityId.localeCompare(b.entityId));
  }
}

/**
 * Items related to the escalation's items by author, bank entry, near-duplicate image or conversation, excluding
 * items already in the escalation (`exclude`). Bounded as RELATED_BOUNDS says.
 */
export async function findRelatedItems(q: Queryable, itemIds: readonly string[], exclude: ReadonlySet<string>): Promise<RelatedCandidate[]> {
  const found = new Collector(new Set([...exclude, ...itemIds]));
  if (itemIds.length === 0) return [];
  const links = await itemLinks(q, itemIds);

  const hits = await bankEntryHitsOfItems(q, itemIds);
  const entryIds = [...new Set(hits.map((h) => h.bankEntryId))];
  const categories = await categoriesOfEntries(q, entryIds);
  for (const entryId of entryIds) {
    const category = categories.get(entryId) ?? hits.find((h) => h.bankEntryId === entryId)?.category;
    if (!category) continue;
    for (const h of await itemsMatchingBankEntry(q, { id: entryId, category }, RELATED_BOUNDS.perBankEntry)) {
      found.add(h.itemId, { relation: 'same_bank_entry', via: entryId, detail: `${h.nearMiss ? 'near miss to' : 'matched'} bank entry ${entryId}` });
    }
  }

  const queries = (await pdqOfItems(q, itemIds)).map((m) => ({ media: m, variants: variantsOf(m) })).filter((x) => x.variants.length > 0);
  if (queries.length > 0) {
    let before: string | null = null;
    for (let scanned = 0; scanned < RELATED_BOUNDS.pdqScanRows;) {
      const page = await recentPdqPage(q, before, Math.min(RELATED_BOUNDS.pdqPageRows, RELATED_BOUNDS.pdqScanRows - scanned));
      if (page.length === 0) break;
      scanned += page.length;
      before = page.at(-1)?.id ?? null;
      for (const row of page) {
        if (!isPdqHex(row.pdq)) continue;
        const candidate = bytesOf(row.pdq);
        for (const { media, variants } of queries) {
          if (row.itemId === media.itemId) continue;
          const d = pdqDistance(variants, candidate);
          if (d <= RELATED_BOUNDS.pdqMaxDistance) {
            found.add(row.itemId, { relation: 'near_duplicate', via: media.itemId, detail: `PDQ distance ${d} to media of item ${media.itemId}` });
          }
        }
      }
    }
  }

  for (const authorId of new Set(links.map((l) => l.authorId).filter((a): a is string => a !== null))) {
    const via = links.find((l) => l.authorId === authorId)?.id ?? '';
    for (const id of await itemIdsOfAuthor(q, authorId, RELATED_BOUNDS.perAuthor)) {
      found.add(id, { relation: 'same_author', via, detail: `same author (account ${authorId}) as item ${via}` });
    }
  }
  for (const conversationId of new Set(links.map((l) => l.conversationId).filter((c): c is string => c !== null))) {
    const via = links.find((l) => l.conversationId === conversationId)?.id ?? '';
    for (const id of await itemIdsInConversation(q, conversationId, RELATED_BOUNDS.perConversation)) {
      found.add(id, { relation: 'same_conversation', via, detail: `same conversation ${conversationId} as item ${via}` });
    }
  }
  return found.result();
}
