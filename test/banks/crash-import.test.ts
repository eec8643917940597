import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';
import { realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { syntheticHashList } from '../../src/demo/hashes.js';
import { HashIndexReplica } from '../../src/detectors/hashmatch/replica.js';
import type { DetectionInput } from '../../src/detectors/types.js';
import { fromJson, migrate, openStore } from '../../src/store/db.js';
import { bankChangeSeq } from '../../src/store/repos/banks.js';
import { type BackgroundHaven, startHavenProcess, tempDir } from '../helpers/cli.js';
import { backendEnv, fileReadOffset, type Prng, withCrashSeed } from '../helpers/crash-cli.js';
import { forEachBackend } from '../helpers/stores.js';

// `haven bank import` of a 100k-row PDQ list is SIGKILLed at random points (part-way through reading the file, or
// after it while the last rows are written and committed), then the same command is run again. The bank must end
// with exactly the file's entries, recorded as one complete import, stamped with one change number that a replica
// loaded before the crashes catches up to, and that a fresh load matches.

const ROWS = 100_000;
const KILL_ROUNDS = 3;

/** Kills the import at a random point of its work; says where, or that it finished first. */
async function killMidImport(run: BackgroundHaven, file: string, rng: Prng): Promise<string> {
  const size = statSync(file).size;
  const pid = run.child.pid as number;
  // Mostly part-way through the file; sometimes after it is read, while the last chunk is written and committed.
  const afterReading = rng.next() < 0.3;
  const fraction = rng.next();
  const lateMs = rng.int(0, 800);
  let seen = false;
  while (run.child.exitCode === null && run.child.signalCode === null) {
    const pos = fileReadOffset(pid, file);
    if (pos !== null) seen = true;
    if (!afterReading && pos !== null && pos >= fraction * size) {
      run.child.kill('SIGKILL');
      return `killed with ${Math.round((100 * pos) / size)}% of the file read`;
    }
    if (afterReading && seen && pos === null) {
      await sleep(lateMs);
      run.child.kill('SIGKILL');
      return `killed ${lateMs} ms after the file was read`;
    }
    await sleep(5);
  }
  return 'finished before the kill';
}

function pdqProbe(hash: string): DetectionInput {
  const part = {
    id: 'media-1', index: 0, sha256: '0'.repeat(64), md5: '0'.repeat(32), pdq: hash, pdqDihedral: [hash], pdqQuality: 100, vpdq: null,
  };
  return { item: { id: 'item-1', media: [part] }, author: null, recipients: [] } as unknown as DetectionInput;
}

const matchedEntries = (replica: HashIndexReplica, hash: string) =>
  (replica.detectors().pdq.detect(pdqProbe(hash)) as { evidence: { bankEntryId?: unknown; nearMiss?: unknown } }[])
    .filter((s) => !s.evidence.nearMiss).map((s) => String(s.evidence.bankEntryId));

test('a bank import SIGKILLed mid-way and run again ends with exactly the file, as one complete import', { timeout: 240_000 }, async (t) => {
  await forEachBackend(t, async (backend, st) => withCrashSeed(st, async (rng) => {
    const dir = tempDir(st, 'haven-crash-import-');
    const hashes = syntheticHashList(ROWS, 4242);
    const file = join(realpathSync(dir), 'list.csv');
    writeFileSync(file, `hash_type,hash,category\n${hashes.map((h) => `pdq,${h},CSE-01\n`).join('')}`);
    const store = openStore({ databaseUrl: backend.config.databaseUrl, sqlitePath: backend.config.sqlitePath });
    try {
      await migrate(store);
      // A replica as a running worker holds it: loaded before the import, it must catch up to the right state.
      const before = new HashIndexReplica();
      await before.load(store.db);

      const args = ['bank', 'import', 'crashbank', file, '--no-progress'];
      const env = backendEnv(backend);
      let killedMidway = 0;
      for (let round = 0; round < KILL_ROUNDS; round++) {
        const run = startHavenProcess(st, args, { dataDir: backend.config.dataDir, env });
        const where = await killMidImport(run, file, rng);
        const exit = await run.exited;
        st.diagnostic(`round ${round + 1}: ${where} (exit ${exit.code ?? exit.signal})`);
        if (exit.signal === 'SIGKILL') killedMidway++;
      }
      assert.ok(killedMidway >= 1, 'at least one import was killed before it finished');

      const final = startHavenProcess(st, args, { dataDir: backend.config.dataDir, env });
      const done = await final.exited;
      assert.equal(done.code, 0, final.stderr());
      const said = final.stdout().match(/bank crashbank: (\d+) added, (\d+) already present/);
      assert.ok(said, final.stdout());
      assert.equal(Number(said[1]) + Number(said[2]), ROWS, 'the re-run accounts for every row');

      // Exactly the file's entries: none missing, none twice.
      const db = store.db;
      const banks = await db.selectFrom('banks').select(['id', 'change_seq']).where('name', '=', 'crashbank').execute();
      assert.equal(banks.length, 1, 'one bank, created once');
      const bankId = banks[0]?.id as string;
      const entries = await db.selectFrom('bank_entries').select(['hash', 'hash_type', 'change_seq']).where('bank_id', '=', bankId).execute();
      assert.equal(entries.length, ROWS);
      assert.deepEqual(entries.map((e) => e.hash).sort(), [...hashes].sort());
      assert.ok(entries.every((e) => e.hash_type === 'pdq'));

      // One complete import on record: an import is whole or absent, never partial.
      const audits = await db.selectFrom('audit_log').select('details').where('action', '=', 'bank.import').where('target_id', '=', bankId).execute();
      const imported = audits.map((a) => fromJson<{ rows: number; added: number }>(a.details));
      assert.ok(imported.length >= 1);
      assert.deepEqual(imported.filter((i) => i.added > 0).map((i) => [i.rows, i.added]), [[ROWS, ROWS]], JSON.stringify(imported));
      const events = await db.selectFrom('events').select('payload').where('type', '=', 'bank_entry_added').execute();
      assert.deepEqual(events.map((e) => fromJson<{ bankId: string; count: number }>(e.payload)).filter((p) => p.bankId === bankId).map((p) => p.count), [ROWS]);

      // One change number for the whole import, visible in the counter; a replica loaded before catches up to it.
      const seqs = new Set(entries.map((e) => Number(e.change_seq)));
      assert.equal(seqs.size, 1, 'every entry carries the same change number');
      const seq = await bankChangeSeq(db);
      assert.ok([...seqs][0] as number <= seq && seq >= 1);
      assert.equal(await before.catchUp(db), seq);
      const fresh = new HashIndexReplica();
      assert.equal(await fresh.load(db), seq);
      for (const replica of [before, fresh]) {
        assert.deepEqual(replica.counts(), { digest: 0, pdq: ROWS, vpdq: 0 });
        for (const tail of hashes.slice(-3)) assert.equal(matchedEntries(replica, tail).length, 1, `the tail hash ${tail} matches once`);
        assert.deepEqual(matchedEntries(replica, syntheticHashList(1, 99_991)[0] as string), [], 'a hash not in the file matches nothing');
      }
    } finally {
      await store.close();
    }
  }));
});
