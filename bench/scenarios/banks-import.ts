/**
 * `haven bank import` of a large PDQ list (what BankService.importEntries does for the CLI: read, validate, insert
 * in one transaction) against two floors measured in the same run: reading and validating the file alone, and bare
 * multi-row INSERTs of the same rows into an unindexed scratch table.
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import SqliteDatabase from 'better-sqlite3';
import { openHaven } from '../../src/app.js';
import { readBankFile } from '../../src/banks/files.js';
import { loadConfig } from '../../src/config.js';
import { newId } from '../../src/store/ids.js';
import { type Span, startSpan } from '../timing.js';
import { BenchCheckError, type Scenario, type ScenarioOptions, type ScenarioResult } from '../types.js';
import { syntheticHashes } from '../../src/demo/hashes.js';

const DEFAULT_ROWS = 1_000_000;
const SEED = 7;
const WARMUP_ROWS = 5_000;
/** Rows per statement in the baseline. */
const BASELINE_BATCH = 500;
const DEFAULTS = { category: 'CSE-01' };


/** A CSV with a header, as a curator would get a list: hash_type,hash,category. */
async function writeCsv(path: string, n: number): Promise<void> {
  const out = createWriteStream(path);
  let chunk = 'hash_type,hash,category\n';
  for (const hash of syntheticHashes(n, SEED)) {
    chunk += `pdq,${hash},CSE-01\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

function check(what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new BenchCheckError(`${what}: expected ${expected}, got ${actual}`);
}

async function parseOnly(path: string): Promise<{ span: Span; rows: number }> {
  const span = startSpan();
  let rows = 0;
  for await (const batch of readBankFile(path, 'csv', DEFAULTS)) {
    for (const r of batch.rows) if ('entry' in r) rows++;
  }
  return { span: span(), rows };
}

/**
 * The floor of storing the rows: the same columns and values (a new id each) written by one reused prepared
 * multi-row INSERT in one transaction, into a table without indexes, with the same pragmas as Haven's store.
 */
function bareInserts(dir: string, n: number): { span: Span; rows: number } {
  const db = new SqliteDatabase(join(dir, 'baseline.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(`CREATE TABLE scratch_entries (id text, bank_id text, hash_type text, hash text, category text, classification text,
      label text, created_at bigint, created_by text, enabled integer, source text, provenance text, data text)`);
    const tuple = `(${Array(13).fill('?').join(',')})`;
    const insert = db.prepare(`INSERT INTO scratch_entries VALUES ${Array(BASELINE_BATCH).fill(tuple).join(',')}`);
    const bankId = newId();
    const now = Date.now();
    const span = startSpan();
    db.exec('BEGIN');
    let params: unknown[] = [];
    for (const hash of syntheticHashes(n, SEED)) {
      params.push(newId(), bankId, 'pdq', hash, 'CSE-01', null, null, now, 'bench', 1, null, null, null);
      if (params.length === BASELINE_BATCH * 13) {
        insert.run(params);
        params = [];
      }
    }
    for (let i = 0; i < params.length; i += 13) {
      db.prepare(`INSERT INTO scratch_entries VALUES ${tuple}`).run(params.slice(i, i + 13));
    }
    db.exec('COMMIT');
    const took = span();
    return { span: took, rows: (db.prepare('SELECT count(*) AS n FROM scratch_entries').get() as { n: number }).n };
  } finally {
    db.close();
  }
}

interface HavenImport {
  first: Span;
  again: Span;
  added: number;
  alreadyPresent: number;
  againAdded: number;
  againPresent: number;
  entries: number;
}

/** Imports the file into a new bank of a fresh Haven, then imports it again (every row already present). */
async function havenImport(dir: string, path: string): Promise<HavenImport> {
  const dataDir = join(dir, 'haven');
  const haven = await openHaven(loadConfig({ HAVEN_LOG_LEVEL: 'silent' }, { dataDir, sqlitePath: join(dataDir, 'haven.db') }));
  try {
    const run = async () => {
      const span = startSpan();
      const outcome = await haven.banks.importEntries({ name: 'bench-pdq', source: 'bench' }, readBankFile(path, 'csv', DEFAULTS), {
        actor: 'bench', skipInvalid: false,
      });
      return { span: span(), outcome };
    };
    const first = await run();
    const again = await run();
    const entries = Number(
      (await haven.store.db.selectFrom('bank_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
    );
    return {
      first: first.span, again: again.span, added: first.outcome.added, alreadyPresent: first.outcome.alreadyPresent,
      againAdded: again.outcome.added, againPresent: again.outcome.alreadyPresent, entries,
    };
  } finally {
    await haven.close();
  }
}

async function inTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'haven-bench-banks-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const banksImportScenario: Scenario = {
  name: 'banks-import',
  description: 'bank import of a PDQ CSV (read, validate, insert, one transaction) vs parsing alone and bare inserts',
  async run({ items, log }: ScenarioOptions): Promise<ScenarioResult> {
    const n = items ?? DEFAULT_ROWS;
    return inTempDir(async (dir) => {
      log(`warm-up: ${WARMUP_ROWS} rows through every path (not reported)`);
      const warmFile = join(dir, 'warm.csv');
      await writeCsv(warmFile, WARMUP_ROWS);
      await parseOnly(warmFile);
      await inTempDir(async (d) => bareInserts(d, WARMUP_ROWS));
      await inTempDir((d) => havenImport(d, warmFile));

      log(`writing a CSV of ${n} random PDQ hashes`);
      const file = join(dir, 'bank.csv');
      await writeCsv(file, n);
      log('read + validate only');
      const parsed = await parseOnly(file);
      check('rows parsed', parsed.rows, n);
      log(`baseline: bare inserts, ${BASELINE_BATCH} rows per statement, one transaction`);
      const base = await inTempDir(async (d) => bareInserts(d, n));
      check('baseline rows', base.rows, n);
      log('haven: import into a new bank, then the same file again');
      const h = await inTempDir((d) => havenImport(d, file));
      check('entries added', h.added, n);
      check('entries stored', h.entries, n);
      check('re-import added', h.againAdded, 0);
      check('re-import already present', h.againPresent, n);
      log('done');

      return {
        params: { rows: n, seed: SEED, format: 'csv (hash_type,hash,category)', baselineBatch: BASELINE_BATCH, database: 'sqlite (WAL, synchronous=NORMAL)' },
        phases: [
          { label: 'read + validate only', items: n, ...parsed.span },
          { label: 'baseline: bare inserts, no indexes', items: n, ...base.span },
          { label: 'haven: import into a new bank', items: n, ...h.first },
          { label: 'haven: same file again (all present)', items: n, ...h.again },
        ],
        ratios: [
          { label: 'import vs bare inserts (times slower)', value: h.first.seconds / base.span.seconds },
          { label: 'import vs bare inserts, CPU time (times more)', value: h.first.cpuSeconds / base.span.cpuSeconds },
          { label: 'import vs read + validate only (times slower)', value: h.first.seconds / parsed.span.seconds },
        ],
        counts: { rows: n, added: h.added, alreadyPresent: h.alreadyPresent, reimportAdded: h.againAdded, reimportPresent: h.againPresent, entries: h.entries },
        notes: [
          'the import phase includes reading and validating the file; the bare-insert baseline does not (its rows come from memory)',
          'the baseline table has no indexes; bank_entries has its primary key and the unique (bank_id, hash_type, hash) index',
        ],
      };
    });
  },
};
