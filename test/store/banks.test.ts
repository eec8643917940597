import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import type { ParsedBatch, ParsedRow } from '../../src/banks/files.js';
import { BankImportRefused, BankService } from '../../src/banks/service.js';
import { migrate, openStore, type Store } from '../../src/store/db.js';
import { banksVersion } from '../../src/store/repos/banks.js';
import { forEachBackend } from '../helpers/stores.js';
import { syntheticHashList } from '../../src/demo/hashes.js';

const pdqRows = (hashes: readonly string[], firstLine = 1): ParsedRow[] =>
  hashes.map((hash, i) => ({ line: firstLine + i, entry: { hashType: 'pdq' as const, hash, category: 'CSE-01' } }));

async function* batches(rows: readonly ParsedRow[], size = 5000): AsyncGenerator<ParsedBatch> {
  for (let i = 0; i < rows.length; i += size) yield { rows: rows.slice(i, i + size), bytesRead: i };
}

async function open(config: { databaseUrl?: string | undefined; sqlitePath: string }): Promise<Store> {
  const store = openStore(config);
  await migrate(store);
  return store;
}

const count = async (store: Store, table: 'bank_entries' | 'banks') =>
  Number((await store.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const revision = async (store: Store) =>
  Number((await store.db.selectFrom('settings').select('value').where('key', '=', 'bank_change_seq').executeTakeFirst())?.value ?? 0);
const actions = async (store: Store) => (await store.db.selectFrom('audit_log').select('action').orderBy('seq').execute()).map((r) => r.action);

test('a bank import stores every field, skips what the bank has, and takes one bank change number', async (t) => {
  await forEachBackend(t, async (b) => {
    const store = await open(b.config);
    try {
      const banks = new BankService(store, { now: () => 1_700_000_000_000 });
      const [a, c, d] = syntheticHashList(3, 1) as [string, string, string];
      const frames = [{ hash: c, quality: 90, timestampSec: 0 }, { hash: d, quality: 80, timestampSec: 1.5 }];
      const rows: ParsedRow[] = [
        { line: 2, entry: { hashType: 'pdq', hash: a, category: 'CSE-01', classification: 'A1', label: 'a "label", with a comma', source: 'list-x', provenance: 'p' } },
        { line: 3, entry: { hashType: 'sha256', hash: c, category: 'CSE-03' } },
        { line: 4, entry: { hashType: 'pdq', hash: a.toUpperCase(), category: 'CSE-01' } },
        { line: 5, entry: { hashType: 'vpdq', hash: 'abcdef0123456789', category: 'CSE-01', frames } },
      ];
      const first = await banks.importEntries({ name: 'imported', matchMode: 'review' }, batches(rows), { actor: 'tester', skipInvalid: false });
      assert.deepEqual([first.bankCreated, first.rows, first.added, first.alreadyPresent, first.rejected], [true, 4, 3, 1, []]);
      assert.equal(first.bank.matchMode, 'review');
      assert.equal(await revision(store), 1, 'a new bank and its entries share one bank change number');

      const stored = await store.db.selectFrom('bank_entries').selectAll().orderBy('hash_type').execute();
      assert.deepEqual(stored.map((e) => [e.hash_type, e.hash, e.category, e.classification, e.label, e.source, e.provenance, e.created_by, e.enabled]), [
        ['pdq', a, 'CSE-01', 'A1', 'a "label", with a comma', 'list-x', 'p', 'tester', 1],
        ['sha256', c, 'CSE-03', null, null, null, null, 'tester', 1],
        ['vpdq', 'abcdef0123456789', 'CSE-01', null, null, null, null, 'tester', 1],
      ]);
      const video = stored.find((e) => e.hash_type === 'vpdq');
      assert.deepEqual(typeof video?.data === 'string' ? JSON.parse(video.data) : video?.data, { frames });
      assert.ok(stored.every((e) => e.bank_id === first.bank.id && e.created_at === 1_700_000_000_000));
      assert.equal(stored.find((e) => e.hash_type === 'pdq')?.data, null);

      const stamp = await banksVersion(store.db);
      const again = await banks.importEntries({ name: 'imported' }, batches(rows), { actor: 'tester', skipInvalid: false });
      assert.deepEqual([again.bankCreated, again.added, again.alreadyPresent], [false, 0, 4]);
      assert.equal(await revision(store), 1, 'an import that adds nothing changes nothing');
      assert.equal(await banksVersion(store.db), stamp);

      const more = await banks.importEntries({ name: 'imported' }, batches(pdqRows(syntheticHashList(12_000, 2))), { actor: 'tester', skipInvalid: false });
      assert.deepEqual([more.added, more.alreadyPresent], [12_000, 0]);
      assert.equal(await revision(store), 2, 'one number for a whole import, however many statements it took');
      const seqs = await store.db.selectFrom('bank_entries').select('change_seq').distinct().orderBy('change_seq').execute();
      assert.deepEqual(seqs.map((r) => Number(r.change_seq)), [1, 2], 'every row carries the number of the import that added it');
      assert.equal(await count(store, 'bank_entries'), 12_003);
      assert.deepEqual(await actions(store), ['bank.create', 'bank.import', 'bank.import', 'bank.import']);
      const events = await store.db.selectFrom('events').select(['type', 'payload']).where('type', '=', 'bank_entry_added').execute();
      assert.equal(events.length, 2, 'one event per import that added entries');
    } finally {
      await store.close();
    }
  });
});

test('a refused, failed or aborted import leaves nothing behind, even after rows were written', async (t) => {
  await forEachBackend(t, async (b) => {
    const store = await open(b.config);
    try {
      const banks = new BankService(store, { now: () => Date.now() });
      // More valid rows than one insert chunk before the first bad one, so some rows were written when it is seen.
      const good = pdqRows(syntheticHashList(60_000, 3));
      const rows: ParsedRow[] = [...good, { line: 60_001, problem: 'hash: a pdq hash is 64 hex characters' }, ...pdqRows(syntheticHashList(10, 4), 60_002)];
      await assert.rejects(banks.importEntries({ name: 'refused' }, batches(rows), { actor: 'tester', skipInvalid: false }), (e: unknown) => {
        assert.ok(e instanceof BankImportRefused);
        assert.equal(e.rows, 60_011);
        assert.deepEqual(e.rejected, [{ line: 60_001, problem: 'hash: a pdq hash is 64 hex characters' }]);
        return true;
      });
      assert.equal(await count(store, 'banks'), 0, 'not even the bank');
      assert.equal(await count(store, 'bank_entries'), 0);
      assert.equal(await revision(store), 0);
      assert.deepEqual(await actions(store), []);

      async function* failing(): AsyncGenerator<ParsedBatch> {
        yield* batches(good);
        throw new Error('disk went away');
      }
      await assert.rejects(banks.importEntries({ name: 'failed' }, failing(), { actor: 'tester', skipInvalid: false }), /disk went away/);
      const stop = new AbortController();
      const aborted = banks.importEntries({ name: 'aborted' }, batches(good), {
        actor: 'tester', skipInvalid: false, signal: stop.signal, onProgress: (p) => p.rows >= 55_000 && stop.abort(),
      });
      await assert.rejects(aborted, { name: 'AbortError' });
      assert.equal(await count(store, 'banks'), 0);
      assert.equal(await count(store, 'bank_entries'), 0);

      // Asked to skip bad rows, the same input imports the valid ones and reports the rest.
      const lenient = await banks.importEntries({ name: 'lenient' }, batches(rows), { actor: 'tester', skipInvalid: true });
      assert.deepEqual([lenient.added, lenient.alreadyPresent, lenient.rejected.map((r) => r.line)], [60_010, 0, [60_001]]);
      assert.equal(await count(store, 'bank_entries'), 60_010);
    } finally {
      await store.close();
    }
  });
});

test('migration 003 drops the unused (hash_type, hash) index and keeps the per-bank unique one; 016 adds change_seq', async (t) => {
  await forEachBackend(t, async (b) => {
    const store = await open(b.config);
    try {
      const names = b.name === 'sqlite'
        ? (await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'bank_entries'`.execute(store.db)).rows
        : (await sql<{ name: string }>`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'bank_entries'`.execute(store.db)).rows;
      assert.ok(!names.some((r) => r.name === 'bank_entries_hash'), JSON.stringify(names));
      assert.ok(names.some((r) => r.name === 'bank_entries_change_seq'), JSON.stringify(names));
      assert.equal(names.length, 3, 'the primary key, the unique (bank_id, hash_type, hash) index and the change_seq index');
    } finally {
      await store.close();
    }
  });
});
