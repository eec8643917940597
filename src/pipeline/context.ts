import { type Account, isMinorBand, type Item } from '../core/types.js';
import type { AccountAggregate, BehaviourConfig } from '../detectors/behaviour/index.js';
import { behaviourWindowStarts } from '../detectors/behaviour/index.js';
import type { ConversationState } from '../detectors/conversation/state.js';
import type { BehaviourContext, DetectionContext, StateUpdate } from '../detectors/types.js';
import type { Queryable } from '../store/db.js';
import {
  type ContactEdge, distinctAdultSendersSince, distinctMinorRecipientsSince, insertContacts, minorFriendRequestsSince,
} from '../store/repos/contacts.js';
import { loadConversationStates } from '../store/repos/conversations.js';

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

/**
 * The context detectors see around each item of one batch: the conversation so far and windowed contact counts.
 * Contact edges are facts about items, not decisions, so they are recorded before evaluation (idempotently: a
 * retried batch records nothing twice). Conversation states are carried from item to item in memory and saved
 * with the batch's results.
 */
export class BatchContext {
  private readonly states = new Map<string, ConversationState>();
  private readonly dirty = new Set<string>();

  private constructor(
    private readonly q: Queryable,
    private readonly accounts: ReadonlyMap<string, Account>,
    private readonly behaviour: BehaviourConfig,
  ) {}

  static async load(
    q: Queryable, items: readonly Item[], accounts: ReadonlyMap<string, Account>, behaviour: BehaviourConfig,
  ): Promise<BatchContext> {
    const ctx = new BatchContext(q, accounts, behaviour);
    const edges = items.flatMap((i) => contactEdges(i, accounts));
    if (edges.length > 0) await q.transaction().execute((trx) => insertContacts(trx, edges));
    const conversations = [...new Set(items.flatMap((i) => (i.conversationId ? [i.conversationId] : [])))];
    for (const [id, state] of await loadConversationStates(q, conversations)) ctx.states.set(id, state);
    return ctx;
  }

  async forItem(item: Item): Promise<DetectionContext> {
    return { conversation: await this.conversation(item), behaviour: await this.behaviourAround(item) };
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

  private async conversation(item: Item): Promise<DetectionContext['conversation']> {
    if (!item.conversationId) return null;
    const row = await this.q
      .selectFrom('items')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('conversation_id', '=', item.conversationId)
      .where('created_at', '<', item.createdAt)
      .executeTakeFirst();
    return { id: item.conversationId, messagesBefore: Number(row?.n ?? 0), state: this.states.get(item.conversationId) ?? null };
  }

  private async behaviourAround(item: Item): Promise<BehaviourContext | null> {
    const author = item.authorId ? this.accounts.get(item.authorId) : undefined;
    if (!author || item.recipientIds.length === 0) return null;
    const cfg = this.behaviour;
    const since = behaviourWindowStarts(cfg, item.createdAt);
    const opts = { excludeItemId: item.id, until: item.createdAt, limit: 50 };
    const writesToMinor = item.recipientIds.some((id) => isMinorBand(this.accounts.get(id)?.ageBand ?? 'unknown'));
    const young = item.createdAt - author.createdAt < cfg.newAccountOutreach.maxAccountAgeDays * DAY_MS;
    const [minorRecipients, newAccountMinorRecipients, minorFriendRequests] = writesToMinor
      ? await Promise.all([
        distinctMinorRecipientsSince(this.q, author.id, since.minorOutreach, opts),
        young ? distinctMinorRecipientsSince(this.q, author.id, since.newAccountOutreach, opts) : NONE,
        item.surface === 'friend_request' ? minorFriendRequestsSince(this.q, author.id, since.friendRequestBurst, opts) : NONE,
      ])
      : [NONE, NONE, NONE];
    const adultSenders: BehaviourContext['adultSenders'] = [];
    if (author.ageBand === 'adult') {
      for (const id of item.recipientIds) {
        const r = this.accounts.get(id);
        if (!r || !isMinorBand(r.ageBand)) continue;
        adultSenders.push({
          recipientId: r.id, recipientBand: r.ageBand,
          senders: await distinctAdultSendersSince(this.q, r.id, since.convergence, opts),
        });
      }
    }
    return { minorRecipients, newAccountMinorRecipients, minorFriendRequests, adultSenders };
  }
}
