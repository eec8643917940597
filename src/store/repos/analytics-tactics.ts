import { normalize } from '../../detectors/text/normalize/index.js';
import { type EmergingTermsResult, emergingTerms, type TermDocument } from '../../analytics/tactics/emerging-terms.js';
import { type HashEvasionReport, hashEvasionReport, type NearMissRow } from '../../analytics/tactics/hash-evasion.js';
import { type TacticsReport, type TacticTextRow, tacticsReport } from '../../analytics/tactics/tactics-over-time.js';
import { DAY_MS } from '../../analytics/tactics/tactics-over-time.js';
import { EVASION_LOOKBACK_DAYS } from '../../analytics/tactics/windows.js';
import { fromJson, type Queryable } from '../db.js';

/**
 * Rows behind the tactics analytics. Items are selected by the platform's `created_at` inside the window, reached
 * through the `items_ingested` index: an item is ingested after it was created, so `ingested_at >= from` never drops
 * one of the window's items and keeps the scan to what arrived since. Every load is bounded (newest first) and says
 * when it was cut.
 */

/** Texts normalised per request: normalising is linear in the text, this keeps one answer under a few seconds. */
export const MAX_TACTIC_TEXTS = 50_000;
/** Violating texts read for emerging terms (recent and baseline windows together). */
export const MAX_TERM_DOCUMENTS = 50_000;
/** Near-miss signals read for hash evasion (window and lookback together). */
export const MAX_NEAR_MISSES = 20_000;

const CHUNK = 500;

async function chunked<T, R>(values: readonly T[], fn: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < values.length; i += CHUNK) out.push(...(await fn(values.slice(i, i + CHUNK))));
  return out;
}

export interface Bounded {
  /** The bound was reached: the oldest rows of the window were left out. */
  truncated: boolean;
  limit: number;
}

/** Tactics per day and category over the window's texts. */
export async function loadTactics(q: Queryable, w: { from: number; to: number }, limit = MAX_TACTIC_TEXTS): Promise<TacticsReport & Bounded> {
  const items = await q
    .selectFrom('items')
    .select(['id', 'created_at', 'text'])
    .where('ingested_at', '>=', w.from)
    .where('created_at', '>=', w.from)
    .where('created_at', '<', w.to)
    .where('text', 'is not', null)
    .orderBy('created_at', 'desc')
    .limit(limit + 1)
    .execute();
  const truncated = items.length > limit;
  const kept = items.slice(0, limit);
  const categories = await categoriesOf(q, kept.map((i) => i.id));
  const rows: TacticTextRow[] = kept.map((i) => ({
    itemId: i.id, createdAt: Number(i.created_at), text: i.text as string, category: categories.get(i.id) ?? null,
  }));
  return { ...tacticsReport(rows, w), truncated, limit };
}

/** The category of each item's newest decision that was not `no_violation`. */
async function categoriesOf(q: Queryable, itemIds: readonly string[]): Promise<Map<string, string>> {
  const rows = await chunked(itemIds, (c) =>
    q.selectFrom('decisions').select(['item_id', 'category', 'created_at', 'id'])
      .where('item_id', 'in', c).where('verdict', '!=', 'no_violation').where('category', 'is not', null).execute());
  rows.sort((a, b) => Number(a.created_at) - Number(b.created_at) || (a.id < b.id ? -1 : 1));
  const out = new Map<string, string>();
  for (const r of rows) out.set(r.item_id, r.category as string);
  return out;
}

export interface TermWindows {
  baselineFrom: number;
  recentFrom: number;
  to: number;
}

/**
 * Emerging terms among violating items: items with a `violating` decision (automatic or a reviewer's) or a
 * reviewer's `violating` review decision, created in the baseline or the recent window, their text normalised.
 */
export async function loadEmergingTerms(q: Queryable, w: TermWindows, limit = MAX_TERM_DOCUMENTS): Promise<EmergingTermsResult & TermWindows & Bounded> {
  const items = await q
    .selectFrom('items')
    .select(['id', 'created_at', 'text'])
    .where('ingested_at', '>=', w.baselineFrom)
    .where('created_at', '>=', w.baselineFrom)
    .where('created_at', '<', w.to)
    .where('text', 'is not', null)
    .where((eb) => eb.or([
      eb.exists(eb.selectFrom('decisions').select('decisions.id').whereRef('decisions.item_id', '=', 'items.id').where('decisions.verdict', '=', 'violating')),
      eb.exists(eb.selectFrom('review_decisions').select('review_decisions.id').whereRef('review_decisions.item_id', '=', 'items.id').where('review_decisions.verdict', '=', 'violating')),
    ]))
    .orderBy('created_at', 'desc')
    .limit(limit + 1)
    .execute();
  const truncated = items.length > limit;
  const recent: TermDocument[] = [];
  const baseline: TermDocument[] = [];
  for (const i of items.slice(0, limit)) {
    const doc = { itemId: i.id, text: normalize(i.text as string).normalized };
    (Number(i.created_at) >= w.recentFrom ? recent : baseline).push(doc);
  }
  return { ...w, ...emergingTerms(recent, baseline), truncated, limit };
}

/**
 * Near-miss PDQ signals (informational, evidence.nearMiss) around banked entries, from the lookback start to the end
 * of the window, grouped into variant families; and which of their items reviewers confirmed as violating. Signals
 * are reached through `signals_category` with the categories the PDQ banks hold.
 */
export async function loadHashEvasion(q: Queryable, w: { from: number; to: number }, limit = MAX_NEAR_MISSES): Promise<HashEvasionReport & Bounded> {
  const lookbackFrom = w.from - EVASION_LOOKBACK_DAYS * DAY_MS;
  const categories = (await q.selectFrom('bank_entries').select('category').distinct().where('hash_type', '=', 'pdq').execute()).map((r) => r.category);
  const signals = categories.length === 0 ? [] : await q
    .selectFrom('signals')
    .select(['item_id', 'category', 'evidence', 'created_at'])
    .where('category', 'in', categories)
    .where('created_at', '>=', lookbackFrom)
    .where('created_at', '<', w.to)
    .where('detector', '=', 'hashmatch.pdq')
    .orderBy('created_at', 'desc')
    .limit(limit + 1)
    .execute();
  const truncated = signals.length > limit;
  const rows: NearMissRow[] = [];
  for (const s of signals.slice(0, limit)) {
    const ev = fromJson<{ nearMiss?: unknown; bankEntryId?: unknown; bankName?: unknown; queryHash?: unknown; distance?: unknown }>(s.evidence);
    if (ev.nearMiss !== true || typeof ev.bankEntryId !== 'string' || typeof ev.queryHash !== 'string') continue;
    rows.push({
      itemId: s.item_id, bankEntryId: ev.bankEntryId, bankName: typeof ev.bankName === 'string' ? ev.bankName : null, category: s.category,
      hash: ev.queryHash, distance: Number(ev.distance), seenAt: Number(s.created_at),
    });
  }
  const confirmed = await confirmedViolating(q, [...new Set(rows.map((r) => r.itemId))]);
  return { ...hashEvasionReport(rows, confirmed, { ...w, lookbackFrom }, truncated), limit };
}

/** Items a reviewer decided were violating (review_decisions, people's decisions only). */
async function confirmedViolating(q: Queryable, itemIds: readonly string[]): Promise<Set<string>> {
  const rows = await chunked(itemIds, (c) =>
    q.selectFrom('review_decisions').select('item_id').distinct().where('item_id', 'in', c).where('verdict', '=', 'violating').execute());
  return new Set(rows.map((r) => r.item_id));
}
