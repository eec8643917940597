import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ActiveLabel, ActiveSnooze } from '../../src/investigations/labels.js';
import { migrate, openStore, type Store } from '../../src/store/db.js';
import {
  activeForEntities, getLabel, insertLabel, insertSnooze, listLabels, listSnoozes, removeLabel, removeSnooze, resolveAccountId,
} from '../../src/store/repos/entity-labels.js';
import { forEachBackend } from '../helpers/stores.js';

const T = Date.UTC(2026, 2, 1);
const HOUR = 3_600_000;

async function open(config: { databaseUrl?: string | undefined; sqlitePath: string }): Promise<Store> {
  const store = openStore(config);
  await migrate(store);
  return store;
}

const label = (id: string, over: Partial<ActiveLabel> = {}): ActiveLabel => ({
  id, entityType: 'account', entityId: 'acc1', label: 'known_evader', reason: `reason ${id}`, createdBy: 'user:i', createdAt: T,
  expiresAt: null, escalationId: null, ...over,
});
const snooze = (id: string, over: Partial<ActiveSnooze> = {}): ActiveSnooze => ({
  id, ruleId: 'rule-a', entityType: 'account', entityId: 'acc1', reason: `reason ${id}`, createdBy: 'user:i', createdAt: T,
  expiresAt: T + 10 * HOUR, escalationId: 'esc1', ...over,
});

test('labels: added, listed, removed softly; only labels in force are active, an expired one is not', async (t) => {
  await forEachBackend(t, async (b) => {
    const store = await open(b.config);
    try {
      const db = store.db;
      await insertLabel(db, label('L1', { expiresAt: T + 2 * HOUR }));
      await insertLabel(db, label('L2', { label: 'watchlist', createdAt: T + 1 }));
      await insertLabel(db, label('L3', { entityType: 'device', entityId: 'dev1', label: 'repeat_offender' }));
      await insertLabel(db, label('L4', { entityType: 'conversation', entityId: 'conv1', label: 'watchlist', createdAt: T + 5 * HOUR }));
      await insertLabel(db, label('L5', { entityId: 'acc2' }));

      assert.deepEqual((await getLabel(db, 'L1'))?.expiresAt, T + 2 * HOUR);
      assert.deepEqual((await listLabels(db, { entityType: 'account', entityId: 'acc1', limit: 10 })).map((l) => l.id), ['L2', 'L1'], 'newest first');

      const entities = [
        { entityType: 'account', entityId: 'acc1' }, { entityType: 'device', entityId: 'dev1' }, { entityType: 'conversation', entityId: 'conv1' },
        { entityType: 'account', entityId: 'acc1' },
      ] as const;
      const at = async (when: number) => (await activeForEntities(db, entities, when)).labels.map((l) => l.id);
      assert.deepEqual(await at(T + HOUR), ['L1', 'L3', 'L2'], 'the other account\'s label and the later one are not loaded');
      assert.deepEqual(await at(T + 2 * HOUR), ['L3', 'L2'], 'L1 expired at its expiry');
      assert.deepEqual(await at(T + 6 * HOUR), ['L3', 'L2', 'L4'], 'L4 once it was put');
      assert.deepEqual(await at(T - 1), [], 'nothing before it was put');

      const removed = await removeLabel(db, 'L2', 'user:lead', T + 3 * HOUR);
      assert.deepEqual([removed?.removedBy, removed?.removedAt], ['user:lead', T + 3 * HOUR]);
      assert.equal(await removeLabel(db, 'L2', 'user:lead', T + 4 * HOUR), null, 'removed once');
      assert.equal(await removeLabel(db, 'nope', 'user:lead', T), null);
      assert.deepEqual(await at(T + 6 * HOUR), ['L3', 'L4']);
      assert.deepEqual((await listLabels(db, { entityType: 'account', entityId: 'acc1', activeAt: T + 6 * HOUR, limit: 10 })).map((l) => l.id), []);
      assert.deepEqual((await listLabels(db, { entityType: 'account', entityId: 'acc1', limit: 10 })).map((l) => l.id), ['L2', 'L1'], 'history kept');
      assert.deepEqual((await listLabels(db, { label: 'watchlist', activeAt: T + 6 * HOUR, limit: 10 })).map((l) => l.id), ['L4']);
      assert.deepEqual(await activeForEntities(db, [], T), { labels: [], snoozes: [] });
    } finally {
      await store.close();
    }
  });
});

test('rule snoozes load with labels in one query, for many entities at a time', async (t) => {
  await forEachBackend(t, async (b) => {
    const store = await open(b.config);
    try {
      const db = store.db;
      await insertSnooze(db, snooze('S1'));
      await insertSnooze(db, snooze('S2', { entityType: 'conversation', entityId: 'conv1', ruleId: 'rule-b', expiresAt: null }));
      await insertSnooze(db, snooze('S3', { entityId: 'acc9' }));
      await insertLabel(db, label('L1'));
      // A whole batch's worth of entities, most of them unlabelled.
      const many = Array.from({ length: 1500 }, (_, k) => ({ entityType: 'account' as const, entityId: `other${k}` }));
      const found = await activeForEntities(db, [...many, { entityType: 'account', entityId: 'acc1' }, { entityType: 'conversation', entityId: 'conv1' }], T + HOUR);
      assert.deepEqual(found.labels.map((l) => l.id), ['L1']);
      assert.deepEqual(found.snoozes.map((s) => [s.id, s.ruleId, s.entityType, s.entityId, s.escalationId]), [
        ['S1', 'rule-a', 'account', 'acc1', 'esc1'], ['S2', 'rule-b', 'conversation', 'conv1', 'esc1'],
      ]);
      assert.deepEqual(found.snoozes[0]?.expiresAt, T + 10 * HOUR);
      assert.deepEqual((await activeForEntities(db, [{ entityType: 'account', entityId: 'acc1' }], T + 10 * HOUR)).snoozes, [], 'expired');

      assert.equal((await removeSnooze(db, 'S1', T + 2 * HOUR))?.removedAt, T + 2 * HOUR);
      assert.equal(await removeSnooze(db, 'S1', T + 2 * HOUR), null);
      assert.deepEqual((await listSnoozes(db, { activeAt: T + 3 * HOUR, limit: 10 })).map((s) => s.id).sort(), ['S2', 'S3']);
      assert.deepEqual((await listSnoozes(db, { ruleId: 'rule-a', limit: 10 })).map((s) => s.id).sort(), ['S1', 'S3']);
      assert.deepEqual((await listSnoozes(db, { entityType: 'account', entityId: 'acc1', limit: 10 })).map((s) => s.id), ['S1']);
    } finally {
      await store.close();
    }
  });
});

test('an account is found by its Haven id or its external id', async (t) => {
  await forEachBackend(t, async (b) => {
    const store = await open(b.config);
    try {
      await store.db.insertInto('accounts').values({ id: 'ACC_HAVEN', external_id: 'ext-7', age_band: 'adult', created_at: T, first_seen_at: T, flags: '[]' }).execute();
      assert.equal(await resolveAccountId(store.db, 'ACC_HAVEN'), 'ACC_HAVEN');
      assert.equal(await resolveAccountId(store.db, 'ext-7'), 'ACC_HAVEN');
      assert.equal(await resolveAccountId(store.db, 'ext-8'), null);
    } finally {
      await store.close();
    }
  });
});
