import { type Account, isMinorBand, type Item } from '../../core/types.js';
import { type AccountAggregate, type BehaviourConfig, behaviourWindowStarts } from '../../detectors/behaviour/index.js';
import type { ConversationState } from '../../detectors/conversation/state.js';
import type { BehaviourContext, DetectionContext, StateUpdate } from '../../detectors/types.js';
import type { Queryable } from '../../store/db.js';
import { distinctAdultSendersSince, distinctMinorRecipientsSince, minorFriendRequestsSince } from '../../store/repos/contacts.js';
import { conversationCounts } from '../../store/repos/replay.js';

const DAY_MS = 86_400_000;
const NONE: AccountAggregate = { count: 0, countBefore: 0, accountIds: [] };

/**
 * The context detectors see around a replayed item, read without writing anything (the live BatchContext records
 * contact edges first; here they are already recorded). Differences from live, by design:
 * - conversation risk state starts empty at the start of the replay and is carried in memory through the replayed
 *   items in the order they were sent (a what-if warms it up on the conversation's earlier messages);
 * - messages-before counts and windowed contact counts are read as of each item's send time, as live;
 * - entity labels and rule snoozes in force now are not applied to history.
 */
export class ReplayContext {
  private readonly states = new Map<string, ConversationState>();
  private before = new Map<string, number>();
  private span = new Map<string, number[]>();

  constructor(private readonly q: Queryable, private readonly behaviour: BehaviourConfig) {}

  /** Loads the message counts for one page of items (in send order). */
  async loadPage(items: readonly Item[], accounts: ReadonlyMap<string, Account>): Promise<void> {
    this.accounts = accounts;
    const withConversation = items.filter((i) => i.conversationId);
    if (withConversation.length === 0) return;
    const ids = [...new Set(withConversation.map((i) => i.conversationId as string))];
    const times = withConversation.map((i) => i.createdAt);
    const counts = await conversationCounts(this.q, ids, Math.min(...times), Math.max(...times));
    this.before = counts.before;
    this.span = counts.span;
  }

  private accounts: ReadonlyMap<string, Account> = new Map();

  async forItem(item: Item): Promise<DetectionContext> {
    return { conversation: this.conversation(item), behaviour: await this.behaviourAround(item) };
  }

  apply(updates: readonly StateUpdate[]): void {
    for (const u of updates) this.states.set(u.conversationId, u.state);
  }

  private conversation(item: Item): DetectionContext['conversation'] {
    if (!item.conversationId) return null;
    const earlier = (this.span.get(item.conversationId) ?? []).filter((at) => at < item.createdAt).length;
    const messagesBefore = (this.before.get(item.conversationId) ?? 0) + earlier;
    return { id: item.conversationId, messagesBefore, state: this.states.get(item.conversationId) ?? null };
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
        adultSenders.push({ recipientId: r.id, recipientBand: r.ageBand, senders: await distinctAdultSendersSince(this.q, r.id, since.convergence, opts) });
      }
    }
    return { minorRecipients, newAccountMinorRecipients, minorFriendRequests, adultSenders };
  }
}
