// An item whose processing kills its worker leaves its job leased and never reaches the failure path. After a crash
// such a job is retried on its own (so the items batched with it are not held back by it), and once it has been
// leased more often than it may be attempted it fails with a processing_failed event instead of crashing on forever.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { openHaven, type Haven } from '../../src/app.js';
import { itemInputSchema } from '../../src/core/item-input.js';
import { forEachBackend } from '../helpers/stores.js';

async function ingestText(h: Haven, externalId: string) {
  const input = itemInputSchema.parse({ externalId, surface: 'public_post', author: { externalId: 'acct_1', ageBand: 'adult' }, text: `hello ${externalId}` });
  return (await h.ingestor.ingest([await h.ingestor.prepare(input)], 'api_key:test'))[0]!.itemId;
}

/** What the database holds after a worker leased the job `times` times and died each time. */
async function crashedWhileHolding(h: Haven, itemId: string, times: number) {
  await h.store.db
    .updateTable('jobs')
    .set({ status: 'leased', attempts: times, lease_owner: 'dead-worker', lease_expires_at: Date.now() - 1000 })
    .where('item_id', '=', itemId)
    .execute();
}

test('a job whose worker keeps dying is retried alone, then fails instead of crash-looping', async (t) => {
  await forEachBackend(t, async (backend) => {
    const lines: { msg: string; itemId?: string }[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
    const h = await openHaven({ ...backend.config, workerBatch: 100 }, { logger: pino({ level: 'info' }, sink) });
    try {
      const fresh = await ingestText(h, 'fresh');
      const once = await ingestText(h, 'crashed-once');
      const poison = await ingestText(h, 'crashed-every-time');
      await crashedWhileHolding(h, once, 1);
      await crashedWhileHolding(h, poison, 5);
      while ((await h.worker.runOnce()) > 0) {}

      const statuses = Object.fromEntries(
        (await h.store.db.selectFrom('items').select(['id', 'status']).execute()).map((r) => [r.id, r.status]),
      );
      assert.equal(statuses[fresh], 'processed');
      assert.equal(statuses[once], 'processed', 'a job its worker died on once is simply processed again');
      assert.equal(statuses[poison], 'failed', 'leased a sixth time with 5 attempts allowed: failed without running');

      const alone = lines.filter((l) => l.msg === 'processing a retried job on its own').map((l) => l.itemId);
      assert.deepEqual(alone, [once], 'the retried job ran in a batch of its own; the fresh one did not');
      const failedEvent = await h.store.db.selectFrom('events').selectAll().where('item_id', '=', poison).where('type', '=', 'processing_failed').executeTakeFirstOrThrow();
      assert.match(JSON.stringify(failedEvent.payload), /leased 6 times without finishing/);
      const decisions = await h.store.db.selectFrom('decisions').select('item_id').execute();
      assert.deepEqual(decisions.map((d) => d.item_id).sort(), [fresh, once].sort(), 'the poison item was never evaluated');
      const left = await h.store.db.selectFrom('jobs').select('status').where('status', 'in', ['pending', 'leased']).execute();
      assert.equal(left.length, 0, 'nothing is left to crash on');
    } finally {
      await h.close();
    }
  });
});
