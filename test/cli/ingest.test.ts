import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { openSqlite } from '../../src/store/db.js';
import { runHaven, startHavenProcess, tempDir, waitFor } from '../helpers/cli.js';
import { patternJpeg, patternPng } from '../helpers/images.js';

const TEXT_ITEMS = 290;
const IMAGE_ITEMS = 6;
const GOOD = TEXT_ITEMS + IMAGE_ITEMS;

const SUMMARY = /^ingested (\d+) new, (\d+) already known, (\d+) rejected in \d+\.\d s \((\d+) items\/s\)/m;

interface Fixture {
  file: string;
  /** 1-based line number of each bad line, with a pattern its rejection reason must match. */
  bad: { line: number; reason: RegExp }[];
  lines: number;
}

/** A JSONL file of synthetic, benign items with a few bad lines mixed in (and one blank line, which is skipped). */
async function writeFixture(dir: string): Promise<Fixture> {
  const lines: string[] = [];
  const bad: Fixture['bad'] = [];
  const author = (n: number) => ({ externalId: `acct-${n % 17}`, ageBand: 'adult' });
  for (let n = 1; n <= TEXT_ITEMS; n++) {
    lines.push(JSON.stringify({
      externalId: `msg-${String(n).padStart(4, '0')}`, surface: 'public_post', author: author(n),
      text: `Synthetic test message ${n}: the weather is mild and the garden is green.`,
    }));
    if (n === 40) {
      lines.push('{"externalId": "broken-json", "surface": "public_post", "text": "no closing brace"');
      bad.push({ line: lines.length, reason: /^not valid JSON/ });
    }
    if (n === 120) {
      lines.push(JSON.stringify({ externalId: 'extra-field', surface: 'public_post', text: 'hello', colour: 'blue' }));
      bad.push({ line: lines.length, reason: /colour/ });
    }
    if (n === 200) lines.push('');
  }
  for (let n = 1; n <= IMAGE_ITEMS; n++) {
    const png = await patternPng(100 + n);
    lines.push(JSON.stringify({ externalId: `img-${n}`, surface: 'public_post', author: author(n), media: [{ data: png.toString('base64') }] }));
  }
  const truncatedPng = (await patternPng(7)).subarray(0, 200);
  lines.push(JSON.stringify({ externalId: 'truncated-png', surface: 'public_post', media: [{ data: truncatedPng.toString('base64') }] }));
  bad.push({ line: lines.length, reason: /^media\[0\]: / });
  const jpeg = await patternJpeg(8);
  const truncatedJpeg = jpeg.subarray(0, Math.floor(jpeg.length / 2));
  lines.push(JSON.stringify({ externalId: 'truncated-jpeg', surface: 'dm', text: 'see photo', media: [{ data: truncatedJpeg.toString('base64') }] }));
  bad.push({ line: lines.length, reason: /^media\[0\]: / });
  const file = join(dir, 'items.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, bad, lines: lines.length };
}

/** The counts of the summary line ("ingested N new, M already known, K rejected in S s (R items/s)"). */
function summary(stdout: string) {
  const m = SUMMARY.exec(stdout);
  assert.ok(m, `summary line in ${JSON.stringify(stdout)}`);
  return { added: Number(m[1]), known: Number(m[2]), rejected: Number(m[3]) };
}

async function setup(t: TestContext) {
  const dataDir = tempDir(t);
  const fixture = await writeFixture(tempDir(t, 'haven-cli-input-'));
  return { dataDir, fixture, haven: (...args: string[]) => runHaven(args, { dataDir }) };
}

test('haven ingest: counts, rejected lines, idempotent restart and resumable checkpoint', { timeout: 120_000 }, async (t) => {
  const { dataDir, fixture, haven } = await setup(t);
  const { file } = fixture;

  const first = await haven('ingest', file, '--no-progress');
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stderr, '');
  assert.deepEqual(summary(first.stdout), { added: GOOD, known: 0, rejected: fixture.bad.length });
  assert.ok(Number(SUMMARY.exec(first.stdout)?.[4]) > 0, 'a rate is reported');
  assert.match(first.stdout, new RegExp(`rejected lines and reasons in ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.rejected\\.jsonl`));

  const rejected = readFileSync(`${file}.rejected.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; error: string; input: string });
  assert.deepEqual(rejected.map((r) => r.line), fixture.bad.map((b) => b.line));
  for (const [i, b] of fixture.bad.entries()) {
    assert.match(rejected[i]!.error, b.reason, `reason for line ${b.line}`);
    assert.equal(rejected[i]!.input, readFileSync(file, 'utf8').split('\n')[b.line - 1], 'the offending input is kept');
  }

  const db = openSqlite(join(dataDir, 'haven.db'));
  try {
    const items = await db.db.selectFrom('items').select(['external_id', 'kind', 'status']).execute();
    assert.equal(items.length, GOOD);
    assert.equal(items.filter((i) => i.kind === 'image').length, IMAGE_ITEMS);
    assert.ok(items.every((i) => i.status === 'pending'), 'nothing is processed without a worker');
    assert.equal(items.filter((i) => ['broken-json', 'extra-field', 'truncated-png', 'truncated-jpeg'].includes(i.external_id)).length, 0);
  } finally {
    await db.close();
  }

  assert.ok(existsSync(`${file}.haven-checkpoint`), 'a checkpoint is written');
  assert.equal(JSON.parse(readFileSync(`${file}.haven-checkpoint`, 'utf8')).line, fixture.lines);

  const resumed = await haven('ingest', file, '--no-progress');
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(summary(resumed.stdout), { added: 0, known: 0, rejected: 0 }, 'a rerun skips processed lines');

  const again = await haven('ingest', file, '--no-progress', '--restart');
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(summary(again.stdout), { added: 0, known: GOOD, rejected: fixture.bad.length });
});

test('haven ingest resumes after the last committed batch when the checkpoint is part-way', { timeout: 120_000 }, async (t) => {
  const { fixture, haven } = await setup(t);
  const { file } = fixture;
  const first = await haven('ingest', file, '--no-progress', '--batch', '50');
  assert.equal(first.code, 0, first.stderr);
  // Pretend the run died after line 100: everything up to it is committed, the rest is not read again.
  const cp = JSON.parse(readFileSync(`${file}.haven-checkpoint`, 'utf8')) as { line: number };
  writeFileSync(`${file}.haven-checkpoint`, JSON.stringify({ ...cp, line: 100 }));
  const resumed = await haven('ingest', file, '--no-progress');
  assert.equal(resumed.code, 0, resumed.stderr);
  // Lines 101.. hold one bad line and a blank one among the text items, then the images and two bad ones.
  const laterBad = fixture.bad.filter((b) => b.line > 100).length;
  const laterGood = fixture.lines - 100 - laterBad - 1; // minus the blank line
  assert.deepEqual(summary(resumed.stdout), { added: 0, known: laterGood, rejected: laterBad });

  const changed = `${readFileSync(file, 'utf8')}${JSON.stringify({ externalId: 'late', surface: 'public_post', text: 'appended later' })}\n`;
  writeFileSync(file, changed);
  const afterEdit = await haven('ingest', file, '--no-progress');
  assert.equal(afterEdit.code, 0, afterEdit.stderr);
  assert.match(afterEdit.stderr, /file changed since the checkpoint/);
  assert.deepEqual(summary(afterEdit.stdout), { added: 1, known: GOOD, rejected: fixture.bad.length });
});

test('haven ingest refuses a missing file', async (t) => {
  const dataDir = tempDir(t);
  const r = await runHaven(['ingest', join(dataDir, 'nope.jsonl'), '--no-progress'], { dataDir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^haven: no such file: .*nope\.jsonl\n$/);
});

test('a rerun with --restart does not duplicate the rejected-lines report', async (t) => {
  const { fixture, haven } = await setup(t);
  await haven('ingest', fixture.file, '--no-progress');
  await haven('ingest', fixture.file, '--no-progress', '--restart');
  const lines = readFileSync(`${fixture.file}.rejected.jsonl`, 'utf8').trim().split('\n');
  assert.equal(lines.length, fixture.bad.length, 'the report describes the latest run only');
});

test('haven item shows a pending item, then its decision once a worker has run', { timeout: 120_000 }, async (t) => {
  const { dataDir, fixture, haven } = await setup(t);
  const ingest = await haven('ingest', fixture.file, '--no-progress');
  assert.equal(ingest.code, 0, ingest.stderr);

  const pending = await haven('item', 'msg-0007');
  assert.equal(pending.code, 0, pending.stderr);
  assert.match(pending.stdout, /^item \S+ {2}\(external msg-0007\)\n {2}text on public_post, created \S+, status pending\n/);
  assert.match(pending.stdout, /author acct-7 \(age band adult\)/);
  assert.match(pending.stdout, /\ndecision: none yet\n/);
  assert.match(pending.stdout, /\ntrace:\n {2}\S+ {2}item_ingested +by cli:ingest/);

  const unknown = await haven('item', 'no-such-item');
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stderr, 'haven: no item with id or external id no-such-item\n');

  const worker = startHavenProcess(t, ['serve', '--role', 'worker'], { dataDir });
  const db = openSqlite(join(dataDir, 'haven.db'));
  t.after(() => db.close());
  await waitFor('every item processed', async () => {
    const row = await db.db.selectFrom('items').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();
    if (Number(row.n) === 0) return true;
    if (worker.child.exitCode !== null) throw new Error(`worker exited (${worker.child.exitCode}) with ${row.n} items pending: ${worker.stderr()}`);
    return false;
  }, { timeoutMs: 60_000, intervalMs: 200 });

  const json = await haven('item', 'msg-0007', '--json');
  assert.equal(json.code, 0, json.stderr);
  const view = JSON.parse(json.stdout) as { item: { externalId: string; status: string }; decision: { verdict: string; policyVersion: number } | null; events: { type: string }[] };
  assert.equal(view.item.externalId, 'msg-0007');
  assert.equal(view.item.status, 'processed');
  assert.equal(view.decision?.verdict, 'no_violation');
  assert.equal(view.decision?.policyVersion, 1);
  assert.ok(view.events.some((e) => e.type === 'decision'));

  const image = await haven('item', 'img-3');
  assert.equal(image.code, 0, image.stderr);
  assert.match(image.stdout, /image on public_post, created \S+, status processed/);
  assert.match(image.stdout, /media\[0\] image\/png 96x64 sha256 [0-9a-f]{64}/);
  assert.match(image.stdout, /decision: no_violation severity NONE \(policy v1, taxonomy v1\)/);

  const stopped = await worker.stop('SIGTERM');
  assert.deepEqual(stopped, { code: 0, signal: null }, 'the worker shuts down cleanly on SIGTERM');
});

test('haven serve --role worker waits for work when idle and stops on SIGTERM', {
  timeout: 60_000,
}, async (t) => {
  const dataDir = tempDir(t);
  const worker = startHavenProcess(t, ['serve', '--role', 'worker'], { dataDir, env: { HAVEN_LOG_LEVEL: 'info' } });
  await waitFor('the worker to start', () => worker.stdout().includes('"msg":"started"') || worker.child.exitCode !== null, { timeoutMs: 30_000 });
  // Several idle polls (200 ms apart) go by: a worker with nothing to do must keep waiting, not exit.
  const early = await Promise.race([worker.exited, new Promise<null>((r) => setTimeout(() => r(null), 3000))]);
  assert.equal(early, null, `the idle worker exited on its own: ${JSON.stringify(early)}`);
  assert.deepEqual(await worker.stop('SIGTERM'), { code: 0, signal: null });
  assert.match(worker.stdout(), /SIGTERM: shutting down/);
});

test('haven item finds an item by external id even when a newer item mentions that id', async (t) => {
  const dataDir = tempDir(t);
  const file = join(tempDir(t, 'haven-cli-input-'), 'items.jsonl');
  writeFileSync(file, [
    { externalId: 'post-1', surface: 'public_post', text: 'first post' },
    { externalId: 'post-2', surface: 'public_post', text: 'a reply to post-1' },
  ].map((i) => JSON.stringify(i)).join('\n'));
  assert.equal((await runHaven(['ingest', file, '--no-progress'], { dataDir })).code, 0);
  const r = await runHaven(['item', 'post-1'], { dataDir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\(external post-1\)/);
});
