import assert from 'node:assert/strict';
import { test } from 'node:test';
import { migrate, openStore, type Store } from '../../src/store/db.js';
import { newId } from '../../src/store/ids.js';
import {
  type CalibrationSession, calibrationAnswers, calibrationParticipants, closeCalibrationSession, getCalibrationSession,
  insertCalibrationSession, listCalibrationSessions, setCalibrationAnswerKey, submitCalibrationAnswer,
} from '../../src/store/repos/calibration.js';
import { type Backend, forEachBackend } from '../helpers/stores.js';

const NOW = 1_800_000_000_000;

async function withStore(b: Backend, fn: (store: Store) => Promise<void>): Promise<void> {
  const store = openStore(b.config);
  try {
    await migrate(store);
    await fn(store);
  } finally {
    await store.close();
  }
}

function session(over: Partial<CalibrationSession> = {}): CalibrationSession {
  return { id: newId(), name: 'weekly', itemIds: ['i1', 'i2'], answerKey: null, status: 'open', createdBy: 'user:lead@test.local', createdAt: NOW, closedAt: null, ...over };
}

test('calibration sessions round-trip and list newest first, by status, a page at a time', async (t) => {
  await forEachBackend(t, (b) => withStore(b, async (store) => {
    const first = session({ name: 'first' });
    const second = session({ name: 'second', itemIds: ['i3'] });
    const third = session({ name: 'third' });
    for (const s of [first, second, third]) await insertCalibrationSession(store.db, s);
    assert.deepEqual(await getCalibrationSession(store.db, second.id), second);
    assert.equal(await getCalibrationSession(store.db, 'nope'), null);

    assert.deepEqual((await listCalibrationSessions(store.db, { limit: 10 })).map((s) => s.name), ['third', 'second', 'first']);
    assert.deepEqual((await listCalibrationSessions(store.db, { limit: 2, before: third.id })).map((s) => s.name), ['second', 'first']);
    assert.equal(await closeCalibrationSession(store.db, second.id, NOW + 5), true);
    assert.deepEqual((await listCalibrationSessions(store.db, { limit: 10, status: 'open' })).map((s) => s.name), ['third', 'first']);
    const closed = await listCalibrationSessions(store.db, { limit: 10, status: 'closed' });
    assert.deepEqual(closed.map((s) => [s.name, s.status, s.closedAt]), [['second', 'closed', NOW + 5]]);
  }));
});

test('answers: one per reviewer and item, replaced while open, refused when closed or off the set', async (t) => {
  await forEachBackend(t, (b) => withStore(b, async (store) => {
    const s = session();
    await insertCalibrationSession(store.db, s);
    const submit = (reviewer: string, itemId: string, label: { verdict: 'violating' | 'not_violating'; category: string | null }, at = NOW) =>
      store.db.transaction().execute((trx) => submitCalibrationAnswer(trx, { sessionId: s.id, itemId, reviewer, label }, at));

    assert.equal(await submit('ann', 'i1', { verdict: 'violating', category: 'CSE-05' }), 'saved');
    assert.equal(await submit('ann', 'i1', { verdict: 'not_violating', category: null }, NOW + 1), 'saved');
    assert.equal(await submit('bob', 'i1', { verdict: 'violating', category: 'CSE-06' }), 'saved');
    assert.equal(await submit('bob', 'i2', { verdict: 'not_violating', category: null }), 'saved');
    assert.equal(await submit('bob', 'elsewhere', { verdict: 'not_violating', category: null }), 'item_not_in_session');
    assert.equal(
      await store.db.transaction().execute((trx) => submitCalibrationAnswer(trx, { sessionId: 'nope', itemId: 'i1', reviewer: 'ann', label: { verdict: 'not_violating', category: null } }, NOW)),
      'not_found',
    );

    assert.deepEqual(await calibrationAnswers(store.db, s.id, 'ann'), [
      { itemId: 'i1', reviewer: 'ann', verdict: 'not_violating', category: null, createdAt: NOW + 1 },
    ]);
    assert.deepEqual((await calibrationAnswers(store.db, s.id)).map((a) => [a.itemId, a.reviewer, a.verdict, a.category]), [
      ['i1', 'ann', 'not_violating', null], ['i1', 'bob', 'violating', 'CSE-06'], ['i2', 'bob', 'not_violating', null],
    ]);
    assert.deepEqual(await calibrationParticipants(store.db, [s.id, 'nope']), new Map([[s.id, 2]]));

    assert.equal(await closeCalibrationSession(store.db, s.id, NOW + 2), true);
    assert.equal(await closeCalibrationSession(store.db, s.id, NOW + 3), false, 'closing twice changes nothing');
    assert.equal(await submit('ann', 'i2', { verdict: 'not_violating', category: null }), 'closed');
    assert.equal((await calibrationAnswers(store.db, s.id)).length, 3);
    assert.equal((await getCalibrationSession(store.db, s.id))?.closedAt, NOW + 2);
  }));
});

test('the answer key is stored as given and replaced whole', async (t) => {
  await forEachBackend(t, (b) => withStore(b, async (store) => {
    const s = session();
    await insertCalibrationSession(store.db, s);
    const key = { i1: { verdict: 'violating' as const, category: 'CSE-05' }, i2: { verdict: 'not_violating' as const, category: null } };
    assert.equal(await setCalibrationAnswerKey(store.db, s.id, key), true);
    assert.deepEqual((await getCalibrationSession(store.db, s.id))?.answerKey, key);
    assert.equal(await setCalibrationAnswerKey(store.db, s.id, { i2: key.i2 }), true);
    assert.deepEqual((await getCalibrationSession(store.db, s.id))?.answerKey, { i2: key.i2 });
    assert.equal(await setCalibrationAnswerKey(store.db, 'nope', key), false);
  }));
});
