import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { openSqlite } from '../../src/store/db.js';
import { runHaven, startHavenProcess, tempDir, waitFor } from '../helpers/cli.js';
import { patternPng } from '../helpers/images.js';
import { startReceiver } from '../helpers/receiver.js';

const SECRET = 'cli-test-webhook-secret-0123456789';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

interface Entry { hashType: string; hash: string; category: string; classification: string | null; label: string | null }

async function setup(t: TestContext) {
  const dataDir = tempDir(t);
  const inputs = tempDir(t, 'haven-cli-input-');
  const write = (name: string, text: string) => {
    const path = join(inputs, name);
    writeFileSync(path, text);
    return path;
  };
  return { dataDir, write, haven: (...args: string[]) => runHaven(args, { dataDir }) };
}

/** Five entries over generated patterns, as CSV: quoted labels with a comma and with doubled quotes, empty fields. */
async function csvEntries() {
  const p = await Promise.all([1, 2, 3, 4, 5].map((n) => patternPng(n)));
  const entries: Entry[] = [
    { hashType: 'sha256', hash: sha256(p[0]!), category: 'CSE-01', classification: 'A1', label: 'synthetic pattern, blue' },
    { hashType: 'sha256', hash: sha256(p[1]!), category: 'CSE-01', classification: 'B2', label: 'the "quoted" one, too' },
    { hashType: 'md5', hash: md5(p[2]!), category: 'CSE-01', classification: null, label: 'plain label' },
    { hashType: 'sha256', hash: sha256(p[3]!), category: 'CSE-03', classification: null, label: null },
    { hashType: 'md5', hash: md5(p[4]!), category: 'CSE-01', classification: 'A2', label: null },
  ];
  const csv = [
    'hash_type,hash,category,classification,label',
    `sha256,${entries[0]!.hash},CSE-01,A1,"synthetic pattern, blue"`,
    `sha256,${entries[1]!.hash.toUpperCase()},CSE-01,B2,"the ""quoted"" one, too"`,
    `md5,${entries[2]!.hash},CSE-01,,plain label`,
    `sha256,${entries[3]!.hash},CSE-03`,
    `md5,${entries[4]!.hash},CSE-01,A2`,
  ].join('\r\n');
  return { entries, csv: `${csv}\r\n`, patterns: p };
}

function parseExportedJsonl(text: string): Entry[] {
  return text.trim().split('\n').map((l) => JSON.parse(l) as Entry);
}

const byHash = (a: Entry, b: Entry) => a.hash.localeCompare(b.hash);

test('haven bank import (CSV and JSONL), export round-trips, re-import adds nothing', { timeout: 120_000 }, async (t) => {
  const { write, haven } = await setup(t);
  const { entries, csv, patterns } = await csvEntries();
  const csvFile = write('bank.csv', csv);

  const imported = await haven('bank', 'import', 'test-bank', csvFile);
  assert.equal(imported.code, 0, imported.stderr);
  assert.equal(imported.stdout, 'bank test-bank: 5 added, 0 already present\n');

  // JSONL: one entry the CSV already has, two new ones.
  const extra: Entry[] = [
    { hashType: 'sha256', hash: sha256(await patternPng(6)), category: 'CSE-01', classification: 'A1', label: 'from jsonl' },
    { hashType: 'md5', hash: md5(await patternPng(7)), category: 'CSE-03', classification: null, label: null },
  ];
  const jsonl = [entries[0]!, ...extra].map((e) => JSON.stringify(e)).join('\n');
  const jsonlImport = await haven('bank', 'import', 'test-bank', write('more.jsonl', jsonl));
  assert.equal(jsonlImport.code, 0, jsonlImport.stderr);
  assert.equal(jsonlImport.stdout, 'bank test-bank: 2 added, 1 already present\n');
  const all = [...entries, ...extra].sort(byHash);

  const exportedJsonl = await haven('bank', 'export', 'test-bank', '--format', 'jsonl');
  assert.equal(exportedJsonl.code, 0, exportedJsonl.stderr);
  assert.deepEqual(parseExportedJsonl(exportedJsonl.stdout).sort(byHash), all);

  const exportedCsv = await haven('bank', 'export', 'test-bank', '--format', 'csv');
  assert.equal(exportedCsv.code, 0, exportedCsv.stderr);
  const lines = exportedCsv.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'hash_type,hash,category,classification,label,source,provenance');
  assert.equal(lines.length, 1 + all.length);
  assert.ok(lines.includes(`sha256,${entries[0]!.hash},CSE-01,A1,"synthetic pattern, blue",,`), 'a comma in a label is quoted');
  assert.ok(lines.includes(`sha256,${entries[1]!.hash},CSE-01,B2,"the ""quoted"" one, too",,`), 'hashes are lower-cased, quotes doubled');
  assert.ok(lines.includes(`sha256,${entries[3]!.hash},CSE-03,,,,`));
  assert.ok(!lines.some((l) => l.includes(sha256(patterns[2]!))), 'only the md5 of pattern 3 is in the bank');

  const reimport = await haven('bank', 'import', 'test-bank', csvFile);
  assert.equal(reimport.code, 0, reimport.stderr);
  assert.equal(reimport.stdout, 'bank test-bank: 0 added, 5 already present\n');

  // The exported CSV is itself importable and yields the same entries.
  const outFile = write('exported.csv', '');
  const toFile = await haven('bank', 'export', 'test-bank', '--out', outFile);
  assert.equal(toFile.code, 0, toFile.stderr);
  assert.equal(toFile.stdout, '');
  const copy = await haven('bank', 'import', 'copy-bank', outFile);
  assert.equal(copy.stdout, `bank copy-bank: ${all.length} added, 0 already present\n`);
  const copied = await haven('bank', 'export', 'copy-bank', '--format', 'jsonl');
  assert.deepEqual(parseExportedJsonl(copied.stdout).sort(byHash), all);
});

test('an empty label field in a CSV means no label', async (t) => {
  const { write, haven } = await setup(t);
  const hash = sha256(await patternPng(1));
  assert.equal((await haven('bank', 'import', 'test-bank', write('in.csv', `sha256,${hash},CSE-01,A1,\n`))).code, 0);
  const exported = await haven('bank', 'export', 'test-bank', '--format', 'jsonl');
  assert.deepEqual(parseExportedJsonl(exported.stdout), [{ hashType: 'sha256', hash, category: 'CSE-01', classification: 'A1', label: null }]);
});

test('a bank file with bad lines is refused with their line numbers and imports nothing', { timeout: 120_000 }, async (t) => {
  const { write, haven } = await setup(t);
  const good = sha256(await patternPng(1));
  const csv = [
    'hash_type,hash,category,classification,label',
    `sha256,${good},CSE-01,A1,fine`,
    `sha256,${good.slice(0, 40)},CSE-01,A1,too short`,
    `md5,${'z'.repeat(32)},CSE-01,,not hex`,
    `sha256,${sha256(await patternPng(2))},CSE-01,A1,fine too`,
    `sha1,${good.slice(0, 40)},CSE-01,,unknown hash type`,
  ].join('\n');
  const r = await haven('bank', 'import', 'test-bank', write('bad.csv', csv));
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  const [first, ...problems] = r.stderr.trimEnd().split('\n');
  assert.equal(first, 'haven: 3 bad line(s), nothing imported (--skip-invalid imports the valid rows):');
  assert.equal(problems.length, 3);
  assert.equal(problems[0], 'line 3: hash: a sha256 hash is 64 hex characters');
  assert.equal(problems[1], 'line 4: hash: a md5 hash is 32 hex characters');
  assert.match(problems[2]!, /^line 6: hashType: /);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');

  const missing = await haven('bank', 'export', 'test-bank');
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'haven: no bank named test-bank\n', 'a refused import does not even create the bank');

  // Into an existing bank: still nothing is added.
  assert.equal((await haven('bank', 'import', 'test-bank', write('ok.jsonl', JSON.stringify({ hashType: 'sha256', hash: good, category: 'CSE-01' })))).code, 0);
  const badJsonl = `${JSON.stringify({ hashType: 'sha256', hash: sha256(await patternPng(3)), category: 'CSE-01' })}\n{"hashType": "sha256",\n`;
  const r2 = await haven('bank', 'import', 'test-bank', write('bad.jsonl', badJsonl));
  assert.equal(r2.code, 1);
  assert.match(r2.stderr, /^haven: 1 bad line\(s\), nothing imported \(--skip-invalid imports the valid rows\):\nline 2: not JSON \(/);
  const after = await haven('bank', 'export', 'test-bank', '--format', 'jsonl');
  assert.deepEqual(parseExportedJsonl(after.stdout).map((e) => e.hash), [good]);
});

test('a label with a line break survives a CSV export and re-import', async (t) => {
  const { write, haven } = await setup(t);
  const entry = { hashType: 'sha256', hash: sha256(await patternPng(1)), category: 'CSE-01', classification: 'A1', label: 'line one\nline two' };
  assert.equal((await haven('bank', 'import', 'test-bank', write('in.jsonl', JSON.stringify(entry)))).code, 0);
  const out = write('out.csv', '');
  assert.equal((await haven('bank', 'export', 'test-bank', '--out', out)).code, 0);
  const again = await haven('bank', 'import', 'copy-bank', out);
  assert.equal(again.code, 0, again.stderr);
  const copied = await haven('bank', 'export', 'copy-bank', '--format', 'jsonl');
  assert.deepEqual(parseExportedJsonl(copied.stdout), [entry]);
});

/**
 * A bank holding the sha256 of pattern 1, two uploaded images (one of them banked) ingested with `haven ingest`,
 * and a worker delivering platform actions to a local receiver; returns once both items are decided.
 */
async function bankMatchScenario(t: TestContext) {
  const { dataDir, write, haven } = await setup(t);
  const { csv, patterns } = await csvEntries();
  assert.equal((await haven('bank', 'import', 'test-bank', write('bank.csv', csv))).code, 0);

  const author = { externalId: 'acct-42', ageBand: 'adult' };
  const items = [
    { externalId: 'upload-1', surface: 'public_post', author, media: [{ data: patterns[0]!.toString('base64') }] },
    { externalId: 'upload-2', surface: 'public_post', author, media: [{ data: (await patternPng(99)).toString('base64') }] },
  ];
  const ingest = await haven('ingest', write('items.jsonl', items.map((i) => JSON.stringify(i)).join('\n')), '--no-progress');
  assert.match(ingest.stdout, /^ingested 2 new, 0 already known, 0 rejected/);

  const receiver = await startReceiver(SECRET);
  t.after(() => receiver.close());
  const worker = startHavenProcess(t, ['serve', '--role', 'worker'], {
    dataDir, env: { HAVEN_WEBHOOK_URL: receiver.url, HAVEN_WEBHOOK_SECRET: SECRET },
  });
  const db = openSqlite(join(dataDir, 'haven.db'));
  t.after(() => db.close());
  await waitFor('both items decided', async () => {
    const n = Number((await db.db.selectFrom('decisions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    if (n === 2) return true;
    if (worker.child.exitCode !== null) throw new Error(`worker exited (${worker.child.exitCode}) after ${n} decisions: ${worker.stderr()}`);
    return false;
  }, { timeoutMs: 90_000, intervalMs: 200 });
  const entry = await db.db.selectFrom('bank_entries').select('id').where('hash', '=', sha256(patterns[0]!)).executeTakeFirstOrThrow();
  return { haven, db, worker, receiver, entryId: entry.id };
}

test('an image in a bank is decided by the worker and explained by haven item', { timeout: 180_000 }, async (t) => {
  const { haven, worker, entryId } = await bankMatchScenario(t);
  const shown = await haven('item', 'upload-1');
  assert.equal(shown.code, 0, shown.stderr);
  const out = shown.stdout;
  assert.match(out, /\n {2}image on public_post, created \S+, status processed\n/);
  assert.match(out, /\ndecision: violating CSE-01 severity S0 \(policy v1, taxonomy v1\)\n/);
  assert.match(out, /because hashmatch\.exact score 1\.00 >= action threshold 1 of CSE-01 on public_post in policy v1: /);
  assert.ok(out.includes(`    bank entry ${entryId} in bank test-bank\n`), out);
  assert.match(out, /\n {2}block +(pending|delivered) +platform +key \S+/);
  assert.match(out, /\n {2}disable +(pending|delivered) +platform +key \S+/);
  assert.match(out, /\n {2}report +awaiting_approval +approval /);
  assert.match(out, /\n {2}\S+ {2}decision +by /);

  const clean = await haven('item', 'upload-2', '--json');
  const view = JSON.parse(clean.stdout) as { decision: { verdict: string; reasons: unknown[] } | null; actions: unknown[] };
  assert.equal(view.decision?.verdict, 'no_violation');
  assert.deepEqual(view.decision?.reasons, []);
  assert.deepEqual(view.actions, []);
  assert.equal((await worker.stop('SIGTERM')).code, 0);
});

test('the worker delivers a bank match\'s platform actions to the webhook and haven item shows them delivered', {
  timeout: 180_000,
}, async (t) => {
  const { haven, db, worker, receiver } = await bankMatchScenario(t);
  const actions = await waitFor('platform actions delivered', async () => {
    const rows = await db.db.selectFrom('actions').innerJoin('items', 'items.id', 'actions.item_id')
      .select(['actions.type', 'actions.status', 'actions.idempotency_key', 'items.external_id'])
      .where('actions.delivery', '=', 'platform').execute();
    if (rows.length === 2 && rows.every((r) => r.status === 'delivered')) return rows;
    if (worker.child.exitCode !== null) throw new Error(`worker exited (${worker.child.exitCode}) before delivering: ${JSON.stringify(rows)}`);
    return false;
  }, { timeoutMs: 90_000, intervalMs: 200 });
  assert.deepEqual(actions.map((a) => `${a.external_id}:${a.type}`).sort(), ['upload-1:block', 'upload-1:disable']);
  for (const a of actions) assert.equal(receiver.byKey.get(a.idempotency_key), 1, `${a.type} delivered once`);
  assert.equal(receiver.rejected(), 0, 'every delivery carries a valid signature');

  const out = (await haven('item', 'upload-1')).stdout;
  assert.match(out, /\n {2}block +delivered +platform +key \S+ delivered \d{4}-\d\d-\d\dT[\d:.]+Z\n/);
  assert.match(out, /\n {2}disable +delivered +platform +key \S+ delivered /);
  assert.match(out, /action_delivered +by /);
  assert.deepEqual(await worker.stop('SIGTERM'), { code: 0, signal: null }, 'still running until told to stop');
});

test('haven serve refuses a webhook secret shorter than 16 characters', { timeout: 60_000 }, async (t) => {
  const dataDir = tempDir(t);
  const r = await runHaven(['serve', '--role', 'worker'], { dataDir, env: { HAVEN_WEBHOOK_URL: 'http://127.0.0.1:9/hook', HAVEN_WEBHOOK_SECRET: 'short' } });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'haven: invalid configuration: HAVEN_WEBHOOK_SECRET: HAVEN_WEBHOOK_SECRET must be at least 16 characters\n');
});
