import { sql } from 'kysely';
import type { Queryable } from '../db.js';

/**
 * Daily exposure counters per reviewer: high-severity media items seen and the time spent on them, one row per
 * reviewer and UTC day (a new day starts from zero without any reset job).
 */

export interface ExposureCounters {
  items: number;
  mediaMs: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Adds to a reviewer's counters for the day, creating the row on first use. Safe under concurrent writers. */
export async function addExposure(q: Queryable, reviewer: string, day: string, add: ExposureCounters, now: number): Promise<void> {
  if (!DAY.test(day)) throw new RangeError(`exposure day must be YYYY-MM-DD, not ${day}`);
  if (!Number.isInteger(add.items) || add.items < 0 || !Number.isFinite(add.mediaMs) || add.mediaMs < 0) {
    throw new RangeError(`exposure to add must be non-negative (items ${add.items}, mediaMs ${add.mediaMs})`);
  }
  const mediaMs = Math.round(add.mediaMs);
  await q
    .insertInto('reviewer_exposure')
    .values({ reviewer, day, items: add.items, media_ms: mediaMs, updated_at: now })
    // One statement, so two decisions finishing at once both count (no read-modify-write race).
    .onConflict((oc) =>
      oc.columns(['reviewer', 'day']).doUpdateSet({
        items: sql`reviewer_exposure.items + ${add.items}`,
        media_ms: sql`reviewer_exposure.media_ms + ${mediaMs}`,
        updated_at: now,
      }))
    .execute();
}

export async function exposureOn(q: Queryable, reviewer: string, day: string): Promise<ExposureCounters> {
  const row = await q
    .selectFrom('reviewer_exposure')
    .select(['items', 'media_ms'])
    .where('reviewer', '=', reviewer)
    .where('day', '=', day)
    .executeTakeFirst();
  return row ? { items: Number(row.items), mediaMs: Number(row.media_ms) } : { items: 0, mediaMs: 0 };
}

/** Every reviewer with counters on the day, by reviewer. */
export async function exposureOfAll(q: Queryable, day: string): Promise<({ reviewer: string } & ExposureCounters)[]> {
  const rows = await q
    .selectFrom('reviewer_exposure')
    .select(['reviewer', 'items', 'media_ms'])
    .where('day', '=', day)
    .orderBy('reviewer')
    .execute();
  return rows.map((r) => ({ reviewer: r.reviewer, items: Number(r.items), mediaMs: Number(r.media_ms) }));
}
