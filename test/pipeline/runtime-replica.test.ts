import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LocalBankChangeFeed } from '../../src/banks/change-feed.js';
import { BankService } from '../../src/banks/service.js';
import type { DetectionInput, Detector } from '../../src/detectors/types.js';
import { DetectionRuntime, ensureDefaultConfig } from '../../src/pipeline/runtime.js';
import { migrate, openStore, type Store } from '../../src/store/db.js';
import { bankChangeSeq } from '../../src/store/repos/banks.js';
import { forEachBackend } from '../helpers/stores.js';

/** An image whose PDQ is `pdq`; only the fields the PDQ matcher reads. */
function imageWithPdq(pdq: string): DetectionInput {
  const part = { id: 'media-1', index: 0, sha256: '0'.repeat(64), md5: '0'.repeat(32), pdq, pdqDihedral: [pdq], pdqQuality: 100 };
  return { item: { id: 'item-1', media: [part] }, author: null, recipients: [] } as unknown as DetectionInput;
}

function pdqHits(detectors: readonly Detector[], pdq: string): unknown[] {
  const detector = detectors.find((d) => d.id === 'hashmatch.pdq');
  assert.ok(detector, 'the runtime has a PDQ matcher');
  return (detector.detect(imageWithPdq(pdq), []) as { evidence: { bankEntryId: unknown } }[]).map((s) => s.evidence.bankEntryId);
}

/** Waits for the background catch-ups `follow` started; bounded so a broken follow fails instead of hanging. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 2_000 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(done(), 'the followers caught up');
}

test('two workers on one database both match a new PDQ entry after the change notice, before their next batch', async (t) => {
  await forEachBackend(t, async (b) => {
    // Each "worker" has its own connection, as separate processes would.
    const stores: Store[] = [openStore(b.config), openStore(b.config), openStore(b.config)];
    try {
      const [admin, workerA, workerB] = stores as [Store, Store, Store];
      await migrate(admin);
      await ensureDefaultConfig(admin.db, 1_700_000_000_000);
      const feed = new LocalBankChangeFeed();
      const banks = new BankService(admin, { now: () => 1_700_000_000_000 }, { changes: feed });
      assert.equal(banks.changes, feed);
      const bank = await banks.create({ name: 'shared', source: 'test' }, 'tester');

      const runtimes = [new DetectionRuntime(), new DetectionRuntime()];
      const setups = [await runtimes[0]!.current(workerA.db), await runtimes[1]!.current(workerB.db)];
      const stops = [runtimes[0]!.follow(feed, workerA.db), runtimes[1]!.follow(feed, workerB.db)];

      const pdq = 'f0e1d2c3b4a5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff';
      for (const setup of setups) assert.deepEqual(pdqHits(setup.detectors, pdq), []);
      const [entry] = await banks.addEntries(bank.id, [{ hashType: 'pdq', hash: pdq, category: 'CSE-01' }], 'tester');
      const seq = await bankChangeSeq(admin.db);
      await until(() => runtimes.every((r) => r.hashIndex.appliedSeq === seq));

      // The detectors handed out for the batch before the change see the entry: nothing was reloaded.
      for (const setup of setups) assert.deepEqual(pdqHits(setup.detectors, pdq), [entry!.id]);
      for (const stop of stops) stop();

      // Not following any more: the next batch still catches up (the per-batch check).
      await banks.setEntryEnabled(bank.id, entry!.id, false, 'tester');
      assert.deepEqual(pdqHits(setups[0]!.detectors, pdq), [entry!.id], 'a stopped follower hears nothing');
      const next = await runtimes[0]!.current(workerA.db);
      assert.deepEqual(pdqHits(next.detectors, pdq), []);
      assert.equal(runtimes[0]!.hashIndex.appliedSeq, await bankChangeSeq(admin.db));
      assert.equal(next.detectors.find((d) => d.id === 'hashmatch.pdq')?.versions().banks, String(runtimes[0]!.hashIndex.appliedSeq));
    } finally {
      for (const s of stores) await s.close();
    }
  });
});
