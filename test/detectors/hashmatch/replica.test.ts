import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BankService } from '../../../src/banks/service.js';
import { HashIndexReplica } from '../../../src/detectors/hashmatch/replica.js';
import type { DetectionInput } from '../../../src/detectors/types.js';
import { migrate, openStore, type Store } from '../../../src/store/db.js';
import { bankChangeSeq } from '../../../src/store/repos/banks.js';
import { forEachBackend } from '../../helpers/stores.js';
import { syntheticHashList } from '../../../src/demo/hashes.js';

/** An item with one media part carrying the given hashes; only the fields the hash matchers read. */
function probe(media: { sha256?: string; pdq?: string; vpdq?: string[] }): DetectionInput {
  const part = {
    id: 'media-1', index: 0, sha256: media.sha256 ?? '0'.repeat(64), md5: '0'.repeat(32),
    pdq: media.pdq ?? null, pdqDihedral: media.pdq ? [media.pdq] : null, pdqQuality: media.pdq ? 100 : null,
    vpdq: media.vpdq ? media.vpdq.map((hash, i) => ({ hash, quality: 100, timestampSec: i })) : null,
  };
  return { item: { id: 'item-1', media: [part] }, author: null, recipients: [] } as unknown as DetectionInput;
}

/** What each matcher finds for the probe: entry id and the bank's match mode, sorted. */
function matches(replica: HashIndexReplica, input: DetectionInput): string[] {
  const d = replica.detectors();
  return [d.exact, d.pdq, d.vpdq]
    .flatMap((det) => det.detect(input) as { evidence: { bankEntryId?: unknown; bankMode?: unknown; nearMiss?: unknown } }[])
    .filter((s) => !s.evidence.nearMiss)
    .map((s) => `${String(s.evidence.bankEntryId)}:${String(s.evidence.bankMode)}`)
    .sort();
}

async function open(config: { databaseUrl?: string | undefined; sqlitePath: string }): Promise<Store> {
  const store = openStore(config);
  await migrate(store);
  return store;
}

test('a replica applies each bank change on catch-up, without a rebuild, and a new replica catches up to the same state', async (t) => {
  await forEachBackend(t, async (b) => {
    const store = await open(b.config);
    try {
      const banks = new BankService(store, { now: () => 1_700_000_000_000 });
      const [digest, pdqA, pdqB, frameA, frameB, other] = syntheticHashList(6, 11) as [string, string, string, string, string, string];
      const bank = await banks.create({ name: 'known', source: 'test' }, 'tester');
      const [sha, entryA, video] = await banks.addEntries(bank.id, [
        { hashType: 'sha256', hash: digest, category: 'CSE-01' },
        { hashType: 'pdq', hash: pdqA, category: 'CSE-01' },
        { hashType: 'vpdq', hash: 'abcdef0123456789', category: 'CSE-01', frames: [{ hash: frameA, quality: 90, timestampSec: 0 }, { hash: frameB, quality: 90, timestampSec: 1 }] },
      ], 'tester');
      assert.ok(sha && entryA && video);

      const replica = new HashIndexReplica();
      await replica.load(store.db);
      assert.equal(replica.appliedSeq, await bankChangeSeq(store.db));
      assert.deepEqual(replica.counts(), { digest: 1, pdq: 1, vpdq: 1 });
      const loaded = replica.detectors();
      const all = probe({ sha256: digest, pdq: pdqA, vpdq: [frameA, frameB] });
      assert.deepEqual(matches(replica, all), [`${entryA.id}:enforce`, `${sha.id}:enforce`, `${video.id}:enforce`].sort());
      assert.equal(loaded.pdq.versions().banks, String(replica.appliedSeq));

      // Added.
      const [entryB] = await banks.addEntries(bank.id, [{ hashType: 'pdq', hash: pdqB, category: 'CSE-02' }], 'tester');
      assert.ok(entryB);
      assert.deepEqual(matches(replica, probe({ pdq: pdqB })), [], 'not before the catch-up');
      await replica.catchUp(store.db);
      assert.deepEqual(matches(replica, probe({ pdq: pdqB })), [`${entryB.id}:enforce`]);

      // An entry disabled.
      await banks.setEntryEnabled(bank.id, entryA.id, false, 'tester');
      await replica.catchUp(store.db);
      assert.deepEqual(matches(replica, probe({ pdq: pdqA })), []);
      assert.deepEqual(replica.counts(), { digest: 1, pdq: 1, vpdq: 1 });

      // The bank disabled: every kind of entry goes.
      await banks.update(bank.id, { enabled: false }, 'tester');
      await replica.catchUp(store.db);
      assert.deepEqual(replica.counts(), { digest: 0, pdq: 0, vpdq: 0 });
      assert.deepEqual(matches(replica, all), []);

      // Re-enabled: its enabled entries come back, the disabled one does not.
      await banks.update(bank.id, { enabled: true }, 'tester');
      await replica.catchUp(store.db);
      assert.deepEqual(matches(replica, all), [`${sha.id}:enforce`, `${video.id}:enforce`].sort());

      // A new match mode reaches every indexed entry of the bank.
      await banks.update(bank.id, { matchMode: 'shadow' }, 'tester');
      await replica.catchUp(store.db);
      assert.deepEqual(matches(replica, probe({ sha256: digest, pdq: pdqB })), [`${entryB.id}:shadow`, `${sha.id}:shadow`].sort());

      // The disabled entry re-enabled, under the bank's current mode.
      await banks.setEntryEnabled(bank.id, entryA.id, true, 'tester');
      await replica.catchUp(store.db);
      assert.deepEqual(matches(replica, probe({ pdq: pdqA })), [`${entryA.id}:shadow`]);
      assert.deepEqual(matches(replica, probe({ pdq: other })), []);

      assert.equal(replica.detectors(), loaded, 'every change was applied in place: the index was never rebuilt');
      const seq = await bankChangeSeq(store.db);
      assert.equal(replica.appliedSeq, seq);
      assert.equal(loaded.exact.versions().banks, String(seq));

      // A worker started now loads from the database and reaches the same state.
      const late = new HashIndexReplica();
      assert.equal(await late.catchUp(store.db), seq);
      assert.deepEqual(late.counts(), replica.counts());
      for (const input of [all, probe({ pdq: pdqB }), probe({ pdq: other })]) assert.deepEqual(matches(late, input), matches(replica, input));
    } finally {
      await store.close();
    }
  });
});

test('concurrent catch-ups run one at a time and end at the database sequence number', async (t) => {
  await forEachBackend(t, async (b) => {
    const store = await open(b.config);
    try {
      const banks = new BankService(store, { now: () => 1_700_000_000_000 });
      const bank = await banks.create({ name: 'many', source: 'test' }, 'tester');
      const replica = new HashIndexReplica();
      await replica.load(store.db);
      const hashes = syntheticHashList(40, 5);
      const runs: Promise<number>[] = [];
      for (let i = 0; i < hashes.length; i += 4) {
        await banks.addEntries(bank.id, hashes.slice(i, i + 4).map((hash) => ({ hashType: 'pdq' as const, hash, category: 'CSE-01' })), 'tester');
        runs.push(replica.catchUp(store.db), replica.catchUp(store.db));
      }
      const applied = await Promise.all(runs);
      assert.deepEqual(applied, [...applied].sort((x, y) => x - y), 'each catch-up starts after the one before it ended');
      assert.equal(replica.appliedSeq, await bankChangeSeq(store.db));
      assert.equal(replica.counts().pdq, 40);
      for (const hash of hashes) assert.equal(matches(replica, probe({ pdq: hash })).length, 1);
    } finally {
      await store.close();
    }
  });
});

test('a large import reaches the replica in one catch-up, and the matchers handed out before it see it', async (t) => {
  await forEachBackend(t, async (b) => {
    const store = await open(b.config);
    try {
      const banks = new BankService(store, { now: () => 1_700_000_000_000 });
      const [first, ...rest] = syntheticHashList(60_001, 9) as [string, ...string[]];
      const bank = await banks.create({ name: 'list', source: 'test' }, 'tester');
      const [entry] = await banks.addEntries(bank.id, [{ hashType: 'pdq', hash: first, category: 'CSE-01' }], 'tester');
      const replica = new HashIndexReplica();
      await replica.load(store.db);
      const before = replica.detectors();

      async function* rows() {
        yield { rows: rest.map((hash, i) => ({ line: i + 1, entry: { hashType: 'pdq' as const, hash, category: 'CSE-01' } })), bytesRead: 0 };
      }
      const imported = await banks.importEntries({ name: 'list' }, rows(), { actor: 'tester', skipInvalid: false });
      assert.equal(imported.added, rest.length);
      await banks.setEntryEnabled(bank.id, entry!.id, false, 'tester');
      await replica.catchUp(store.db);

      assert.equal(replica.detectors(), before);
      assert.equal(replica.counts().pdq, rest.length);
      assert.deepEqual(matches(replica, probe({ pdq: first })), []);
      for (const hash of [rest[0]!, rest[30_000]!, rest.at(-1)!]) assert.equal(matches(replica, probe({ pdq: hash })).length, 1);
      const late = new HashIndexReplica();
      await late.load(store.db);
      assert.deepEqual(late.counts(), replica.counts());
    } finally {
      await store.close();
    }
  });
});
