/**
 * Hash-index replicas (src/detectors/hashmatch/replica.ts): how long a worker takes to apply a bank change to a
 * replica of a large PDQ bank, against rebuilding the whole index (what every bank change cost before replicas).
 * Catch-up reads only the rows stamped after the replica's bank change sequence number (the change_seq index).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ParsedBatch } from '../../src/banks/files.js';
import { BankService } from '../../src/banks/service.js';
import { HashIndexReplica } from '../../src/detectors/hashmatch/replica.js';
import { migrate, openSqlite } from '../../src/store/db.js';
import { bankChangeSeq } from '../../src/store/repos/banks.js';
import { type Span, startSpan } from '../timing.js';
import { BenchCheckError, type Scenario, type ScenarioOptions, type ScenarioResult } from '../types.js';
import { syntheticHashList } from '../../src/demo/hashes.js';

const DEFAULT_ENTRIES = 1_000_000;
const SEED = 11;
const SMALL_CHANGE = 1;
const LARGE_CHANGE = 1_000;

async function* batches(hashes: readonly string[], size = 10_000): AsyncGenerator<ParsedBatch> {
  for (let i = 0; i < hashes.length; i += size) {
    yield { rows: hashes.slice(i, i + size).map((hash, k) => ({ line: i + k + 1, entry: { hashType: 'pdq' as const, hash, category: 'CSE-01' } })), bytesRead: i };
  }
}

/** A real GC even without --expose-gc, so a catch-up is not charged for collecting the snapshot load's garbage. */
function collector(): () => void {
  if (global.gc) return global.gc;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function check(what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new BenchCheckError(`${what}: expected ${expected}, got ${actual}`);
}

export const hashReplicaScenario: Scenario = {
  name: 'hash-replica',
  description: 'hash-index replica: catch-up of 1 and 1,000 new PDQ entries into a large replica vs a full rebuild',
  async run({ items, log }: ScenarioOptions): Promise<ScenarioResult> {
    const n = items ?? DEFAULT_ENTRIES;
    const dir = mkdtempSync(join(tmpdir(), 'haven-bench-replica-'));
    const store = openSqlite(join(dir, 'haven.db'));
    try {
      await migrate(store);
      const banks = new BankService(store, { now: () => Date.now() });
      const gc = collector();
      const hashes = syntheticHashList(n + SMALL_CHANGE + LARGE_CHANGE, SEED);
      log(`importing ${n} PDQ entries`);
      const imported = await banks.importEntries({ name: 'bench-replica', source: 'bench' }, batches(hashes.slice(0, n)), { actor: 'bench', skipInvalid: false });
      check('entries imported', imported.added, n);

      log('full rebuild (a replica loading the whole bank)');
      const replica = new HashIndexReplica();
      let span = startSpan();
      await replica.load(store.db);
      const rebuild: Span = span();
      check('entries loaded', replica.counts().pdq, n);

      const catchUp = async (added: readonly string[]): Promise<Span> => {
        await banks.addEntries(imported.bank.id, added.map((hash) => ({ hashType: 'pdq' as const, hash, category: 'CSE-01' })), 'bench');
        gc();
        span = startSpan();
        await replica.catchUp(store.db);
        return span();
      };
      log(`catch-up of ${SMALL_CHANGE} new entry`);
      const small = await catchUp(hashes.slice(n, n + SMALL_CHANGE));
      log(`catch-up of ${LARGE_CHANGE} new entries`);
      const large = await catchUp(hashes.slice(n + SMALL_CHANGE));
      check('entries after catch-up', replica.counts().pdq, n + SMALL_CHANGE + LARGE_CHANGE);
      check('applied sequence number', replica.appliedSeq, await bankChangeSeq(store.db));
      log('done');

      return {
        params: { entries: n, seed: SEED, database: 'sqlite (WAL, synchronous=NORMAL)', hashType: 'pdq' },
        phases: [
          { label: `full rebuild (${n} entries)`, items: n, ...rebuild },
          { label: `catch-up: ${SMALL_CHANGE} new entry`, items: SMALL_CHANGE, ...small },
          { label: `catch-up: ${LARGE_CHANGE} new entries`, items: LARGE_CHANGE, ...large },
        ],
        ratios: [
          { label: `full rebuild vs catch-up of ${SMALL_CHANGE} (times slower)`, value: rebuild.seconds / small.seconds },
          { label: `full rebuild vs catch-up of ${LARGE_CHANGE} (times slower)`, value: rebuild.seconds / large.seconds },
        ],
        counts: { entries: n, indexed: replica.counts().pdq, appliedSeq: replica.appliedSeq },
        notes: ['the rebuild reads every active entry and builds the PDQ multi-index; a catch-up reads rows with change_seq above the applied number'],
      };
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
