import type { AccountId, EventId, ItemId } from '../../core/ids.js';
import type { EventType, HavenEvent } from '../../core/types.js';
import { fromJson, type Queryable, toJson } from '../db.js';
import { newId } from '../ids.js';
import type { Selectable } from 'kysely';
import type { EventsTable } from '../schema.js';

/** Ids arrive as plain strings from joins; the event row does not care which brand they had. */
export type NewEvent = Omit<HavenEvent, 'id' | 'at' | 'itemId' | 'accountId'> & {
  itemId: string | null;
  accountId: string | null;
  at?: number;
};

export function eventRow(e: NewEvent, now: number) {
  return {
    id: newId(),
    at: e.at ?? now,
    type: e.type,
    item_id: e.itemId,
    account_id: e.accountId,
    actor: e.actor,
    versions: toJson(e.versions),
    payload: toJson(e.payload),
  };
}

export async function appendEvents(q: Queryable, events: readonly NewEvent[], now: number): Promise<void> {
  if (events.length === 0) return;
  // Chunked so a large batch stays under SQLite's bound-parameter limit.
  for (let i = 0; i < events.length; i += 500) {
    await q.insertInto('events').values(events.slice(i, i + 500).map((e) => eventRow(e, now))).execute();
  }
}

export function toEvent(r: Selectable<EventsTable>): HavenEvent {
  return {
    id: r.id as EventId,
    at: r.at,
    type: r.type as EventType,
    itemId: r.item_id as ItemId | null,
    accountId: r.account_id as AccountId | null,
    actor: r.actor,
    versions: fromJson(r.versions),
    payload: fromJson(r.payload),
  };
}

export async function eventsForItem(q: Queryable, itemId: ItemId): Promise<HavenEvent[]> {
  const rows = await q.selectFrom('events').selectAll().where('item_id', '=', itemId).orderBy('id').execute();
  return rows.map(toEvent);
}
