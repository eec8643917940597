import assert from 'node:assert/strict';
import { test } from 'node:test';
import { utcDay } from '../../src/review/wellness.js';
import { type Store, migrate, openStore } from '../../src/store/db.js';
import { addExposure, exposureOfAll, exposureOn } from '../../src/store/repos/exposure.js';
import { type Backend, forEachBackend } from '../helpers/stores.js';

const NOW = Date.UTC(2026, 2, 14, 22, 0);
const MIN = 60_000;

async function withStore(b: Backend, fn: (store: Store) => Promise<void>): Promise<void> {
  const store = openStore(b.config);
  await migrate(store);
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

test('exposure counters add up per reviewer and day, and start from zero on a new UTC day', async (t) => {
  await forEachBackend(t, (b) => withStore(b, async ({ db }) => {
    const today = utcDay(NOW);
    assert.deepEqual(await exposureOn(db, 'user:a@x', today), { items: 0, mediaMs: 0 }, 'zeros before anything is counted');
    assert.deepEqual(await exposureOfAll(db, today), []);

    await addExposure(db, 'user:a@x', today, { items: 1, mediaMs: 2 * MIN }, NOW);
    await addExposure(db, 'user:a@x', today, { items: 2, mediaMs: 30_000 }, NOW + 1);
    await addExposure(db, 'user:b@x', today, { items: 1, mediaMs: 0 }, NOW + 2);
    assert.deepEqual(await exposureOn(db, 'user:a@x', today), { items: 3, mediaMs: 2 * MIN + 30_000 });
    assert.deepEqual(await exposureOn(db, 'user:b@x', today), { items: 1, mediaMs: 0 });
    const updated = await db.selectFrom('reviewer_exposure').select('updated_at').where('reviewer', '=', 'user:a@x').executeTakeFirstOrThrow();
    assert.equal(Number(updated.updated_at), NOW + 1);

    // Two hours later it is the next UTC day: the counters of the new day start at zero, the old day's are kept.
    const tomorrow = utcDay(NOW + 2 * 60 * MIN);
    assert.notEqual(tomorrow, today);
    assert.deepEqual(await exposureOn(db, 'user:a@x', tomorrow), { items: 0, mediaMs: 0 });
    await addExposure(db, 'user:a@x', tomorrow, { items: 1, mediaMs: MIN }, NOW + 2 * 60 * MIN);
    assert.deepEqual(await exposureOn(db, 'user:a@x', tomorrow), { items: 1, mediaMs: MIN });
    assert.deepEqual(await exposureOn(db, 'user:a@x', today), { items: 3, mediaMs: 2 * MIN + 30_000 });

    assert.deepEqual(await exposureOfAll(db, today), [
      { reviewer: 'user:a@x', items: 3, mediaMs: 2 * MIN + 30_000 },
      { reviewer: 'user:b@x', items: 1, mediaMs: 0 },
    ]);
    assert.deepEqual(await exposureOfAll(db, tomorrow), [{ reviewer: 'user:a@x', items: 1, mediaMs: MIN }]);
  }));
});

test('concurrent additions are all counted', async (t) => {
  await forEachBackend(t, (b) => withStore(b, async ({ db }) => {
    const day = utcDay(NOW);
    await Promise.all(Array.from({ length: 20 }, (_, i) => addExposure(db, 'user:c@x', day, { items: 1, mediaMs: 1000 }, NOW + i)));
    assert.deepEqual(await exposureOn(db, 'user:c@x', day), { items: 20, mediaMs: 20_000 });
  }));
});

test('bad exposure input is refused', async (t) => {
  await forEachBackend(t, (b) => withStore(b, async ({ db }) => {
    await assert.rejects(addExposure(db, 'r', '14/03/2026', { items: 1, mediaMs: 0 }, NOW), /YYYY-MM-DD/);
    await assert.rejects(addExposure(db, 'r', '2026-03-14', { items: -1, mediaMs: 0 }, NOW), /non-negative/);
    await assert.rejects(addExposure(db, 'r', '2026-03-14', { items: 1.5, mediaMs: 0 }, NOW), /non-negative/);
    await assert.rejects(addExposure(db, 'r', '2026-03-14', { items: 0, mediaMs: Number.NaN }, NOW), /non-negative/);
    assert.deepEqual(await exposureOfAll(db, '2026-03-14'), []);
  }));
});
