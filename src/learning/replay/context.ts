import type { Account, Item } from '../../core/types.js';
import type { BehaviourConfig } from '../../detectors/behaviour/index.js';
import type { ConversationState } from '../../detectors/conversation/state.js';
import type { BehaviourContext, DetectionContext, StateUpdate } from '../../detectors/types.js';
import type { Queryable } from '../../store/db.js';
import { conversationCounts } from '../../store/repos/replay.js';
import { behaviourAround } from '../../pipeline/context.js';

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

  private behaviourAround(item: Item): Promise<BehaviourContext | null> {
    return behaviourAround(this.q, this.accounts, this.behaviour, item);
  }
}
