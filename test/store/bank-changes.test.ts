import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import type { BankChangeNotice } from '../../src/banks/change-feed.js';
import { BankError, BankService } from '../../src/banks/service.js';
import { migrate, openStore, type Store } from '../../src/store/db.js';
import { bankChangeSeq, bankChangesSince, banksVersion, createBank } from '../../src/store/repos/banks.js';
import { forEachBackend } from '../helpers/stores.js';

async function open(config: { databaseUrl?: string | undefined; sqlitePath: string }): Promise<Store> {
  const store = openStore(config);
  await migrate(store);
  return store;
}

const sha = (n: number) => n.toString(16).padStart(64, '0');

test('each bank change takes the next sequence number, stamps the rows it touched and is announced after commit', async (t) => {
  await forEachBackend(t, async (b) => {
    const store = await open(b.config);
    try {
      const banks = new BankService(store, { now: () => 1_700_000_000_000 });
      const notices: BankChangeNotice[] = [];
      banks.changes.listen((n) => notices.push(n));
      assert.equal(await bankChangeSeq(store.db), 0);

      const bank = await banks.create({ name: 'seq', source: 'test' }, 'tester');
      const added = await banks.addEntries(bank.id, [1, 2, 3].map((n) => ({ hashType: 'sha256' as const, hash: sha(n), category: 'CSE-01' })), 'tester');
      await banks.addEntries(bank.id, [{ hashType: 'sha256', hash: sha(1), category: 'CSE-01' }], 'tester');
      assert.equal(await bankChangeSeq(store.db), 2, 'an addition that adds nothing takes no number');
      await banks.setEntryEnabled(bank.id, added[1]!.id, false, 'tester');
      await banks.update(bank.id, { matchMode: 'review' }, 'tester');
      await assert.rejects(banks.setEntryEnabled(bank.id, 'no-such-entry', false, 'tester'), BankError);
      assert.equal(await bankChangeSeq(store.db), 4, 'a refused change gives its number back');
      assert.equal(await banksVersion(store.db), '4');

      const rows = await store.db.selectFrom('bank_entries').select(['id', 'change_seq']).orderBy('hash').execute();
      assert.deepEqual(rows.map((r) => Number(r.change_seq)), [2, 3, 2]);
      const bankRow = await store.db.selectFrom('banks').select('change_seq').where('id', '=', bank.id).executeTakeFirstOrThrow();
      assert.equal(Number(bankRow.change_seq), 4);

      assert.deepEqual(notices.map((n) => [n.seq, n.kind, n.entries]), [[1, 'bank_changed', 0], [2, 'entries_added', 3], [3, 'entry_changed', 1], [4, 'bank_changed', 0]]);
      assert.ok(notices.every((n) => n.bankId === bank.id));

      const since2 = await bankChangesSince(store.db, 2);
      assert.deepEqual(since2.entries.map((e) => [e.id, e.enabled, e.bankName, e.bankEnabled, e.matchMode, e.changeSeq]), [[added[1]!.id, false, 'seq', true, 'review', 3]]);
      assert.deepEqual(since2.banks.map((x) => [x.id, x.changeSeq, x.matchMode]), [[bank.id, 4, 'review']]);
      assert.deepEqual(await bankChangesSince(store.db, 4), { banks: [], entries: [] });
      assert.equal((await bankChangesSince(store.db, 0)).entries.length, 3);
    } finally {
      await store.close();
    }
  });
});

test('on Postgres a second bank change waits for the first to commit, so numbers become visible in commit order', async (t) => {
  await forEachBackend(t, async (b, st) => {
    if (b.name !== 'postgres') {
      st.skip('SQLite has a single writer: there is no second concurrent transaction');
      return;
    }
    const store = await open(b.config);
    try {
      const order: string[] = [];
      let tookFirst!: () => void;
      const firstTook = new Promise<void>((r) => (tookFirst = r));
      let commitFirst!: () => void;
      const firstMayCommit = new Promise<void>((r) => (commitFirst = r));
      let seqFirst = 0;
      let seqSecond = 0;

      const first = store.db.transaction().execute(async (trx) => {
        await createBank(trx, { name: 'first', description: '', source: 'test' }, 'tester', 1);
        seqFirst = await bankChangeSeq(trx);
        tookFirst();
        await firstMayCommit;
      }).then(() => order.push('first committed'));
      await firstTook;

      const second = store.db.transaction().execute(async (trx) => {
        await createBank(trx, { name: 'second', description: '', source: 'test' }, 'tester', 2);
        seqSecond = await bankChangeSeq(trx);
        order.push('second took its number');
      }).then(() => order.push('second committed'));

      // Wait until the second transaction is blocked on the counter row (Postgres reports the lock wait).
      for (;;) {
        const waiting = await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(store.db);
        // A second change that did not wait ends the loop too (and fails the assertion below).
        if ((waiting.rows[0]?.n ?? 0) > 0 || order.length > 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.deepEqual(order, [], 'the second change has no number while the first is uncommitted');
      assert.equal(await bankChangeSeq(store.db), 0, 'an uncommitted number is not visible to readers');

      commitFirst();
      await Promise.all([first, second]);
      assert.deepEqual(order, ['first committed', 'second took its number', 'second committed']);
      assert.deepEqual([seqFirst, seqSecond], [1, 2]);
      assert.equal(await bankChangeSeq(store.db), 2);
    } finally {
      await store.close();
    }
  });
});

test('many concurrent bank changes each get their own number and stamp their own rows', async (t) => {
  await forEachBackend(t, async (b) => {
    const store = await open(b.config);
    try {
      const banks = new BankService(store, { now: () => 1_700_000_000_000 });
      const bank = await banks.create({ name: 'parallel', source: 'test' }, 'tester');
      const notices: number[] = [];
      banks.changes.listen((n) => notices.push(n.seq));
      await Promise.all(Array.from({ length: 12 }, (_, i) =>
        banks.addEntries(bank.id, [{ hashType: 'sha256', hash: sha(100 + i), category: 'CSE-01' }], 'tester')));
      const seqs = (await store.db.selectFrom('bank_entries').select('change_seq').execute()).map((r) => Number(r.change_seq)).sort((x, y) => x - y);
      assert.deepEqual(seqs, Array.from({ length: 12 }, (_, i) => i + 2));
      assert.deepEqual([...notices].sort((x, y) => x - y), seqs);
      assert.equal(await bankChangeSeq(store.db), 13);
    } finally {
      await store.close();
    }
  });
});
