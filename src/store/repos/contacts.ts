import { type SelectQueryBuilder, sql } from 'kysely';
import { AGE_BANDS, type AgeBand, isMinorBand } from '../../core/types.js';
import type { Queryable } from '../db.js';
import { newId } from '../ids.js';
import type { Database } from '../schema.js';

// Contact edges (who wrote to or befriended whom) and the windowed counts behaviour signals are judged on.

export const CONTACT_KINDS = ['message', 'friend_request'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

export interface ContactEdge {
  itemId: string;
  authorId: string;
  recipientId: string;
  authorBand: AgeBand;
  recipientBand: AgeBand;
  kind: ContactKind;
  at: number;
}

/** Distinct accounts in a window: how many, how many without the excluded item, and the most recent few. */
export interface DistinctAccounts {
  count: number;
  /** The count without the item named in `excludeItemId` (equal to `count` when none was named). */
  countBefore: number;
  /** Most recently contacted first, at most `limit`. */
  accountIds: string[];
}

export interface DistinctAccountsOptions {
  /** An item whose edges `countBefore` leaves out: the item being evaluated. */
  excludeItemId?: string | undefined;
  /** How many account ids to return (1..1000, default 20). */
  limit?: number | undefined;
  /** Leave out edges after this time: a batch evaluated later must not see contacts made after its item. */
  until?: number | undefined;
}

const MINOR_BANDS = AGE_BANDS.filter(isMinorBand);

/** Records contact edges; an edge already recorded for the same item and recipient is left as it is. */
export async function insertContacts(q: Queryable, edges: readonly ContactEdge[]): Promise<void> {
  const rows = edges
    .filter((e) => e.authorId !== e.recipientId)
    .map((e) => ({
      id: newId(), item_id: e.itemId, author_id: e.authorId, recipient_id: e.recipientId, author_band: e.authorBand,
      recipient_band: e.recipientBand, kind: e.kind, at: e.at,
    }));
  for (let i = 0; i < rows.length; i += 300) {
    await q
      .insertInto('contacts')
      .values(rows.slice(i, i + 300))
      .onConflict((oc) => oc.columns(['item_id', 'recipient_id']).doNothing())
      .execute();
  }
}

/** Distinct minors the author contacted (any kind) at or after `since`. Served by the (author_id, at) index. */
export function distinctMinorRecipientsSince(
  q: Queryable, authorId: string, since: number, opts: DistinctAccountsOptions = {},
): Promise<DistinctAccounts> {
  const base = q
    .selectFrom('contacts')
    .where('author_id', '=', authorId)
    .where('at', '>=', since)
    .where('recipient_band', 'in', MINOR_BANDS);
  return distinct(base, 'recipient_id', opts);
}

/** Distinct minors the author sent friend requests to at or after `since`. Served by the (author_id, at) index. */
export function minorFriendRequestsSince(
  q: Queryable, authorId: string, since: number, opts: DistinctAccountsOptions = {},
): Promise<DistinctAccounts> {
  const base = q
    .selectFrom('contacts')
    .where('author_id', '=', authorId)
    .where('at', '>=', since)
    .where('kind', '=', 'friend_request')
    .where('recipient_band', 'in', MINOR_BANDS);
  return distinct(base, 'recipient_id', opts);
}

/** Distinct adults who contacted the recipient at or after `since`. Served by the (recipient_id, at) index. */
export function distinctAdultSendersSince(
  q: Queryable, recipientId: string, since: number, opts: DistinctAccountsOptions = {},
): Promise<DistinctAccounts> {
  const base = q
    .selectFrom('contacts')
    .where('recipient_id', '=', recipientId)
    .where('at', '>=', since)
    .where('author_band', '=', 'adult');
  return distinct(base, 'author_id', opts);
}

/**
 * One query: group the window's edges by the other account, count the groups with a window function (evaluated
 * before LIMIT, so the count covers every group), and count the groups that have an edge from another item.
 */
async function distinct(
  base: SelectQueryBuilder<Database, 'contacts', object>,
  column: 'recipient_id' | 'author_id',
  opts: DistinctAccountsOptions,
): Promise<DistinctAccounts> {
  const limit = Math.min(1000, Math.max(1, Math.floor(opts.limit ?? 20)));
  const exclude = opts.excludeItemId ?? null;
  const windowed = opts.until === undefined ? base : base.where('at', '<=', opts.until);
  const rows = await windowed
    .select((eb) => [
      eb.ref(column).as('account_id'),
      sql<number>`count(*) over ()`.as('total'),
      sql<number>`sum(case when min(case when item_id = ${exclude} then 1 else 0 end) = 0 then 1 else 0 end) over ()`.as(
        'total_before',
      ),
    ])
    .groupBy(column)
    .orderBy(sql`max(at)`, 'desc')
    .orderBy(column)
    .limit(limit)
    .execute();
  const first = rows[0];
  return {
    count: first ? Number(first.total) : 0,
    countBefore: first ? Number(first.total_before) : 0,
    accountIds: rows.map((r) => r.account_id),
  };
}
