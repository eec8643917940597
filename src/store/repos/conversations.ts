import type { ConversationState } from '../../detectors/conversation/state.js';
import { fromJson, type Queryable, toJson } from '../db.js';

// Conversation risk state: loaded before a batch of messages is scored, saved in the same transaction as the results.

export interface ConversationStateRow {
  conversationId: string;
  state: ConversationState;
}

/** The stored state of each conversation that has one; conversations never seen are absent from the map. */
export async function loadConversationStates(q: Queryable, conversationIds: readonly string[]): Promise<Map<string, ConversationState>> {
  const out = new Map<string, ConversationState>();
  const ids = [...new Set(conversationIds)];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await q
      .selectFrom('conversation_risk')
      .select(['conversation_id', 'state'])
      .where('conversation_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.conversation_id, fromJson<ConversationState>(r.state));
  }
  return out;
}

/** Inserts or replaces states. If a conversation appears twice, the last row wins. Run it in the caller's transaction. */
export async function saveConversationStates(q: Queryable, rows: readonly ConversationStateRow[]): Promise<void> {
  const latest = new Map<string, ConversationState>();
  for (const r of rows) latest.set(r.conversationId, r.state);
  const values = [...latest].map(([conversationId, s]) => ({
    conversation_id: conversationId, state: toJson(s), score: s.score, updated_at: s.updatedAt, crossed_at: s.crossedAt,
  }));
  for (let i = 0; i < values.length; i += 300) {
    await q
      .insertInto('conversation_risk')
      .values(values.slice(i, i + 300))
      .onConflict((oc) =>
        oc.column('conversation_id').doUpdateSet((eb) => ({
          state: eb.ref('excluded.state'),
          score: eb.ref('excluded.score'),
          updated_at: eb.ref('excluded.updated_at'),
          crossed_at: eb.ref('excluded.crossed_at'),
        })),
      )
      .execute();
  }
}
