import { type Account, isMinorBand, type Item } from '../core/types.js';
import type { AccountAggregate, BehaviourConfig } from '../detectors/behaviour/index.js';
import { behaviourWindowStarts } from '../detectors/behaviour/index.js';
import type { ConversationState } from '../detectors/conversation/state.js';
import type { BehaviourContext, DetectionContext, StateUpdate } from '../detectors/types.js';
import { entitiesOfItem, indexLabels, type LabelIndex, labelsForItem } from '../investigations/labels.js';
import type { Queryable } from '../store/db.js';
import {
  type ContactEdge, distinctAdultSendersSince, distinctMinorRecipientsSince, insertContacts, minorFriendRequestsSince,
} from '../store/repos/contacts.js';
import { loadConversationStates } from '../store/repos/conversations.js';
import { activeForEntities } from '../store/repos/entity-labels.js';

const DAY_MS = 86_400_000;
const NONE: AccountAggregate = { count: 0, countBefore: 0, accountIds: [] };

/** Contact edges of an item: one per recipient, a friend request when it came through that surface. */
export function contactEdges(item: Item, accounts: ReadonlyMap<string, Account>): ContactEdge[] {
  const author = item.authorId ? accounts.get(item.authorId) : undefined;
  if (!author) return [];
  return item.recipientIds.flatMap((id) => {
    const r = accounts.get(id);
    if (!r) return [];
    return [{
      itemId: item.id, authorId: author.id, recipientId: r.id, authorBand: author.ageBand, recipientBand: r.ageBand,
      kind: item.surface === 'friend_request' ? 'friend_request' : 'message', at: item.createdAt,
    } satisfies ContactEdge];
  });
}

/** Concurrent contact-count look-ups per batch: a few, so one batch does not take the whole connection pool. */
const BEHAVIOUR_LOOKUPS_AT_ONCE = 4;

/**
 * The context detectors see around each item of one batch: the conversation so far and windowed contact counts.
 * Contact edges are facts about items, not decisions, so they are recorded before evaluation (idempotently: a
 * retried batch records nothing twice). Conversation states are carried from item to item in memory and saved
 * with the batch's results.
 */
export class BatchContext {
  private readonly states = new Map<string, ConversationState>();
  private readonly dirty = new Set<string>();
  /** Per conversation: messages sent before the batch's earliest item, and send times within the batch's span. */
  private readonly before = new Map<string, number>();
  private readonly span = new Map<string, number[]>();
  /** Labels and rule snoozes in force on the batch's authors, conversations and devices. */
  private labels: LabelIndex = indexLabels({ labels: [], snoozes: [] });
  /** Contact counts per item, read when the batch is loaded. */
  private readonly behaviourByItem = new Map<string, BehaviourContext | null>();

  private constructor(
    private readonly q: Queryable,
    private readonly accounts: ReadonlyMap<string, Account>,
    private readonly behaviour: BehaviourConfig,
  ) {}

  /**
   * `at`: when the batch is evaluated, for which labels and snoozes are in force. Without it, the latest time an item
   * of the batch was ingested (the worker runs right after ingest; a replay passes the time it replays at).
   */
  static async load(
    q: Queryable, items: readonly Item[], accounts: ReadonlyMap<string, Account>, behaviour: BehaviourConfig, at?: number,
  ): Promise<BatchContext> {
    const ctx = new BatchContext(q, accounts, behaviour);
    const edges = items.flatMap((i) => contactEdges(i, accounts));
    if (edges.length > 0) await q.transaction().execute((trx) => insertContacts(trx, edges));
    const conversations = [...new Set(items.flatMap((i) => (i.conversationId ? [i.conversationId] : [])))];
    for (const [id, state] of await loadConversationStates(q, conversations)) ctx.states.set(id, state);
    await ctx.countEarlierMessages(items);
    await ctx.loadLabels(items, at ?? Math.max(0, ...items.map((i) => i.ingestedAt)));
    await ctx.prefetchBehaviour(items);
    return ctx;
  }

  /**
   * Contact counts of every item that has recipients, read a few at a time. They depend only on the contact edges,
   * all of which the batch wrote above, so reading them before evaluation (instead of one by one during it) changes
   * no result; on Postgres it overlaps the round trips.
   */
  private async prefetchBehaviour(items: readonly Item[]): Promise<void> {
    const pending = items.filter((i) => i.authorId && i.recipientIds.length > 0);
    let next = 0;
    const lane = async () => {
      while (next < pending.length) {
        const item = pending[next++] as Item;
        this.behaviourByItem.set(item.id, await behaviourAround(this.q, this.accounts, this.behaviour, item));
      }
    };
    await Promise.all(Array.from({ length: Math.min(BEHAVIOUR_LOOKUPS_AT_ONCE, pending.length) }, lane));
  }

  /** Labels and snoozes of every author, conversation and device of the batch, in one query. */
  private async loadLabels(items: readonly Item[], at: number): Promise<void> {
    const entities = items.flatMap(entitiesOfItem);
    if (entities.length === 0) return;
    this.labels = indexLabels(await activeForEntities(this.q, entities, at));
  }

  /**
   * How many messages each conversation had before each batch item, from two queries per batch instead of one per
   * item: a count of everything before the batch's earliest message, and the send times inside the batch's span.
   */
  private async countEarlierMessages(items: readonly Item[]): Promise<void> {
    const times = items.flatMap((i) => (i.conversationId ? [i.createdAt] : []));
    if (times.length === 0) return;
    const ids = [...new Set(items.flatMap((i) => (i.conversationId ? [i.conversationId] : [])))];
    const from = Math.min(...times);
    const to = Math.max(...times);
    for (let k = 0; k < ids.length; k += 500) {
      const chunk = ids.slice(k, k + 500);
      const counted = await this.q
        .selectFrom('items')
        .select((eb) => ['conversation_id', eb.fn.countAll<number>().as('n')])
        .where('conversation_id', 'in', chunk)
        .where('created_at', '<', from)
        .groupBy('conversation_id')
        .execute();
      for (const r of counted) this.before.set(r.conversation_id as string, Number(r.n));
      if (to === from) continue;
      const inSpan = await this.q
        .selectFrom('items')
        .select(['conversation_id', 'created_at'])
        .where('conversation_id', 'in', chunk)
        .where('created_at', '>=', from)
        .where('created_at', '<', to)
        .execute();
      for (const r of inSpan) {
        const id = r.conversation_id as string;
        const list = this.span.get(id) ?? [];
        list.push(Number(r.created_at));
        this.span.set(id, list);
      }
    }
  }

  /** The context of one item of the batch. */
  async forItem(item: Item): Promise<DetectionContext> {
    return { conversation: this.conversation(item), behaviour: await this.behaviourAround(item), ...labelsForItem(item, this.labels) };
  }

  apply(updates: readonly StateUpdate[]): void {
    for (const u of updates) {
      this.states.set(u.conversationId, u.state);
      this.dirty.add(u.conversationId);
    }
  }

  /** Conversation states changed by this batch, to save with its results. */
  changedStates(): { conversationId: string; state: ConversationState }[] {
    return [...this.dirty].map((id) => ({ conversationId: id, state: this.states.get(id) as ConversationState }));
  }

  private conversation(item: Item): DetectionContext['conversation'] {
    if (!item.conversationId) return null;
    const earlier = (this.span.get(item.conversationId) ?? []).filter((at) => at < item.createdAt).length;
    const messagesBefore = (this.before.get(item.conversationId) ?? 0) + earlier;
    return { id: item.conversationId, messagesBefore, state: this.states.get(item.conversationId) ?? null };
  }

  private async behaviourAround(item: Item): Promise<BehaviourContext | null> {
    if (this.behaviourByItem.has(item.id)) return this.behaviourByItem.get(item.id) ?? null;
    return behaviourAround(this.q, this.accounts, this.behaviour, item);
  }
}

/**
 * The author's contact counts around one item, as of its time (the live pipeline and replays both read them so).
 */
export async function behaviourAround(
  q: Queryable, accounts: ReadonlyMap<string, Account>, cfg: BehaviourConfig, item: Item,
): Promise<BehaviourContext | null> {
  const author = item.authorId ? accounts.get(item.authorId) : undefined;
  if (!author || item.recipientIds.length === 0) return null;
  const since = behaviourWindowStarts(cfg, item.createdAt);
  const opts = { excludeItemId: item.id, until: item.createdAt, limit: 50 };
  const writesToMinor = item.recipientIds.some((id) => isMinorBand(accounts.get(id)?.ageBand ?? 'unknown'));
  const young = item.createdAt - author.createdAt < cfg.newAccountOutreach.maxAccountAgeDays * DAY_MS;
  const [minorRecipients, newAccountMinorRecipients, minorFriendRequests] = writesToMinor
    ? await Promise.all([
      distinctMinorRecipientsSince(q, author.id, since.minorOutreach, opts),
      young ? distinctMinorRecipientsSince(q, author.id, since.newAccountOutreach, opts) : NONE,
      item.surface === 'friend_request' ? minorFriendRequestsSince(q, author.id, since.friendRequestBurst, opts) : NONE,
    ])
    : [NONE, NONE, NONE];
  const adultSenders: BehaviourContext['adultSenders'] = [];
  if (author.ageBand === 'adult') {
    for (const id of item.recipientIds) {
      const r = accounts.get(id);
      if (!r || !isMinorBand(r.ageBand)) continue;
      adultSenders.push({
        recipientId: r.id, recipientBand: r.ageBand,
        senders: await distinctAdultSendersSince(q, r.id, since.convergence, opts),
      });
    }
  }
  return { minorRecipients, newAccountMinorRecipients, minorFriendRequests, adultSenders };
}
