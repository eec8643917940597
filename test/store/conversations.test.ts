import assert from 'node:assert/strict';
import { test } from 'node:test';
import { advanceConversation, DEFAULT_CONVERSATION_RISK_CONFIG } from '../../src/detectors/conversation/index.js';
import { migrate, openStore } from '../../src/store/db.js';
import {
  type ContactEdge, distinctAdultSendersSince, distinctMinorRecipientsSince, insertContacts, minorFriendRequestsSince,
} from '../../src/store/repos/contacts.js';
import { loadConversationStates, saveConversationStates } from '../../src/store/repos/conversations.js';
import { forEachBackend } from '../helpers/stores.js';

const T0 = Date.UTC(2025, 0, 6);
const HOUR = 3_600_000;

async function openMigrated(config: { databaseUrl?: string | undefined; sqlitePath: string }) {
  const store = openStore(config);
  await migrate(store);
  return store;
}

test('conversation states round-trip and are replaced in a transaction', async (t) => {
  await forEachBackend(t, async (b) => {
    const store = await openMigrated(b.config);
    try {
      const cfg = DEFAULT_CONVERSATION_RISK_CONFIG;
      const msg = { authorId: 'adult_1', authorBand: 'adult', recipientBands: ['13_15'] } as const;
      const one = advanceConversation(null, { ...msg, itemId: 'i1', at: T0, indicators: ['secrecy', 'gift_offer'] }, cfg).state;
      const two = advanceConversation(one, { ...msg, itemId: 'i2', at: T0 + HOUR, indicators: ['platform_move'] }, cfg).state;

      await store.db.transaction().execute((tx) => saveConversationStates(tx, [{ conversationId: 'c1', state: one }, { conversationId: 'c2', state: one }]));
      // Replacing, with a repeated id in the same batch: the last row wins.
      await store.db.transaction().execute((tx) =>
        saveConversationStates(tx, [{ conversationId: 'c1', state: one }, { conversationId: 'c1', state: two }]),
      );
      const loaded = await loadConversationStates(store.db, ['c1', 'c2', 'c3', 'c1']);
      assert.deepEqual([...loaded.keys()].sort(), ['c1', 'c2']);
      assert.deepEqual(loaded.get('c1'), two);
      assert.deepEqual(loaded.get('c2'), one);

      const row = await store.db.selectFrom('conversation_risk').selectAll().where('conversation_id', '=', 'c1').executeTakeFirstOrThrow();
      assert.deepEqual([row.score, row.updated_at, row.crossed_at], [two.score, T0 + HOUR, T0 + HOUR]);

      // A failed transaction leaves the stored state as it was.
      await assert.rejects(store.db.transaction().execute(async (tx) => {
        await saveConversationStates(tx, [{ conversationId: 'c2', state: two }]);
        throw new Error('boom');
      }), /boom/);
      assert.deepEqual((await loadConversationStates(store.db, ['c2'])).get('c2'), one);

      const many = Array.from({ length: 700 }, (_, i) => ({ conversationId: `bulk_${i}`, state: one }));
      await saveConversationStates(store.db, many);
      assert.equal((await loadConversationStates(store.db, many.map((m) => m.conversationId))).size, 700);
    } finally {
      await store.close();
    }
  });
});

test('contact aggregates count distinct accounts in the window, by band and kind', async (t) => {
  await forEachBackend(t, async (b) => {
    const store = await openMigrated(b.config);
    try {
      const edge = (itemId: string, authorId: string, recipientId: string, at: number, extra: Partial<ContactEdge> = {}): ContactEdge => ({
        itemId, authorId, recipientId, at, authorBand: 'adult', recipientBand: '13_15', kind: 'message', ...extra,
      });
      const edges: ContactEdge[] = [
        edge('old', 'adult_1', 'minor_0', T0 - 2 * HOUR), // before the window
        edge('i1', 'adult_1', 'minor_1', T0),
        edge('i2', 'adult_1', 'minor_1', T0 + HOUR), // same minor again
        edge('i3', 'adult_1', 'minor_2', T0 + 2 * HOUR, { kind: 'friend_request', recipientBand: 'under_13' }),
        edge('i4', 'adult_1', 'adult_9', T0 + 2 * HOUR, { recipientBand: 'adult' }),
        edge('i5', 'adult_1', 'someone', T0 + 2 * HOUR, { recipientBand: 'unknown' }),
        edge('i6', 'adult_1', 'minor_3', T0 + 3 * HOUR, { kind: 'friend_request', recipientBand: '16_17' }),
        edge('i6', 'adult_1', 'minor_4', T0 + 3 * HOUR, { kind: 'friend_request', recipientBand: '16_17' }),
        edge('i7', 'adult_1', 'minor_5', T0 + 4 * HOUR, { kind: 'friend_request' }),
        edge('i8', 'adult_1', 'minor_5', T0 + 4 * HOUR, { kind: 'friend_request' }), // repeated request, same minor
        edge('i9', 'adult_2', 'minor_1', T0 + HOUR),
        edge('i10', 'unknown_1', 'minor_1', T0 + HOUR, { authorBand: 'unknown' }),
        edge('i11', 'teen_1', 'minor_1', T0 + HOUR, { authorBand: '16_17' }),
        edge('i12', 'adult_3', 'minor_1', T0 + 5 * HOUR),
        edge('i13', 'adult_3', 'adult_3', T0 + 5 * HOUR), // to oneself: not recorded
      ];
      await store.db.transaction().execute((tx) => insertContacts(tx, edges));
      await insertContacts(store.db, edges.slice(0, 4)); // reprocessing inserts nothing twice
      assert.equal(Number((await store.db.selectFrom('contacts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n), 14);

      const minors = await distinctMinorRecipientsSince(store.db, 'adult_1', T0);
      assert.deepEqual(minors, {
        count: 5, countBefore: 5, accountIds: ['minor_5', 'minor_3', 'minor_4', 'minor_2', 'minor_1'],
      });
      // Without item i6's two new minors, and without i2 (minor_1 was also contacted by i1).
      assert.deepEqual(
        [(await distinctMinorRecipientsSince(store.db, 'adult_1', T0, { excludeItemId: 'i6' })).countBefore,
          (await distinctMinorRecipientsSince(store.db, 'adult_1', T0, { excludeItemId: 'i2' })).countBefore],
        [3, 5],
      );
      assert.deepEqual(await distinctMinorRecipientsSince(store.db, 'adult_1', T0, { limit: 2 }), {
        count: 5, countBefore: 5, accountIds: ['minor_5', 'minor_3'],
      });
      assert.equal((await distinctMinorRecipientsSince(store.db, 'adult_1', T0 - 3 * HOUR)).count, 6);
      assert.deepEqual(await distinctMinorRecipientsSince(store.db, 'nobody', T0), { count: 0, countBefore: 0, accountIds: [] });

      const requests = await minorFriendRequestsSince(store.db, 'adult_1', T0, { excludeItemId: 'i8' });
      assert.deepEqual(requests, { count: 4, countBefore: 4, accountIds: ['minor_5', 'minor_3', 'minor_4', 'minor_2'] });
      assert.equal((await minorFriendRequestsSince(store.db, 'adult_1', T0 + 3 * HOUR)).count, 3);

      const senders = await distinctAdultSendersSince(store.db, 'minor_1', T0, { excludeItemId: 'i12' });
      assert.deepEqual(senders, { count: 3, countBefore: 2, accountIds: ['adult_3', 'adult_1', 'adult_2'] });
      assert.equal((await distinctAdultSendersSince(store.db, 'minor_1', T0 + 2 * HOUR)).count, 1);
    } finally {
      await store.close();
    }
  });
});
