import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openHaven } from '../../../src/app.js';
import type { BankChangeNotice } from '../../../src/banks/change-feed.js';
import type { DetectionInput, Detector } from '../../../src/detectors/types.js';
import { DetectionRuntime } from '../../../src/pipeline/runtime.js';
import { bankChangeSeq } from '../../../src/store/repos/banks.js';
import { waitFor } from '../../helpers/cli.js';
import { NATS_URL, natsPrefix, requireNats } from '../../helpers/nats.js';
import { makeBackend } from '../../helpers/stores.js';
import { testLogger } from '../../helpers/logging.js';

const silent = testLogger();

function pdqMatches(detectors: readonly Detector[], pdq: string): unknown[] {
  const part = { id: 'm1', index: 0, sha256: '0'.repeat(64), md5: '0'.repeat(32), pdq, pdqDihedral: [pdq], pdqQuality: 100 };
  const input = { item: { id: 'i1', media: [part] }, author: null, recipients: [] } as unknown as DetectionInput;
  const detector = detectors.find((d) => d.id === 'hashmatch.pdq');
  assert.ok(detector);
  return (detector.detect(input, []) as { evidence: { bankEntryId: unknown } }[]).map((s) => s.evidence.bankEntryId);
}

test('a bank change made in one process reaches another process\'s hash index over NATS, without its next batch', async (t) => {
  if (!(await requireNats(t))) return;
  const backend = await makeBackend('postgres', { natsUrl: NATS_URL, natsPrefix: natsPrefix() });
  const curator = await openHaven(backend.config, { logger: silent });
  const worker = await openHaven(backend.config, { logger: silent });
  t.after(async () => {
    await curator.nats?.deleteStream();
    await curator.close();
    await worker.close();
    await backend.cleanup();
  });
  const heard: BankChangeNotice[] = [];
  const stopListening = worker.bankChanges.listen((n) => heard.push(n));
  const runtime = new DetectionRuntime();
  const setup = await runtime.current(worker.store.db);
  const stopFollowing = runtime.follow(worker.bankChanges, worker.store.db);
  t.after(() => {
    stopListening();
    stopFollowing();
  });
  // Core NATS delivers to subscriptions that exist when a message is published: let the subscription reach the server.
  await worker.nats?.connection.flush();

  const pdq = '0f1e2d3c4b5a69788796a5b4c3d2e1f0ffeeddccbbaa99887766554433221100';
  assert.deepEqual(pdqMatches(setup.detectors, pdq), []);
  const bank = await curator.banks.create({ name: 'shared-over-nats', source: 'test' }, 'tester');
  const [entry] = await curator.banks.addEntries(bank.id, [{ hashType: 'pdq', hash: pdq, category: 'CSE-01' }], 'tester');
  const seq = await bankChangeSeq(curator.store.db);

  await waitFor('the notice to arrive over NATS', () => heard.some((n) => n.seq === seq && n.bankId === bank.id && n.kind === 'entries_added'));
  await waitFor('the replica to catch up', () => runtime.hashIndex.appliedSeq === seq);
  assert.deepEqual(pdqMatches(setup.detectors, pdq), [entry?.id], 'the detectors already handed out see the new entry');
});
