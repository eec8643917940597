import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pdqHashImage } from '../../src/hashing/pdq/index.js';
import { runHaven, tempDir } from '../helpers/cli.js';
import { scenePng } from '../helpers/images.js';

function randomHex(n: number, seed: number): string {
  let x = seed;
  let out = '';
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out += (x >>> 16).toString(16).padStart(4, '0').slice(-1);
  }
  return out;
}

test('plain hash-per-line PDQ lists, TSV, --skip-invalid, and banking a missed item', { timeout: 180_000 }, async (t) => {
  const dataDir = tempDir(t);
  const inputs = tempDir(t, 'haven-lists-');
  const write = (name: string, text: string) => {
    const p = join(inputs, name);
    writeFileSync(p, text);
    return p;
  };
  const haven = (...args: string[]) => runHaven(args, { dataDir });

  const pdqs = Array.from({ length: 50 }, (_, i) => randomHex(64, i + 1));
  const plain = write('list.txt', `# a hash list\n${pdqs.join('\n')}\n`);
  const ambiguous = await haven('bank', 'import', 'industry', plain);
  assert.equal(ambiguous.code, 1);
  assert.match(ambiguous.stderr, /line 2: a 64-digit hash may be pdq or sha256/);
  const ok = await haven('bank', 'import', 'industry', plain, '--type', 'pdq', '--source', 'test-list', '--mode', 'review');
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, 'bank industry: 50 added, 0 already present\n');
  const exported = await haven('bank', 'export', 'industry', '--format', 'plain');
  assert.deepEqual(exported.stdout.trim().split('\n').sort(), [...pdqs].sort());

  const tsv = write('list.tsv', `hash\tlabels\tsource\n${pdqs[0]}\tA1\tx\n${'0'.repeat(63)}\tA1\tx\n${randomHex(64, 99)}\tB2\tx\n`);
  const strict = await haven('bank', 'import', 'industry', tsv, '--type', 'pdq');
  assert.equal(strict.code, 1);
  assert.match(strict.stderr, /1 bad line\(s\), nothing imported/);
  assert.match(strict.stderr, /line 3: hash: a pdq hash is 64 hex characters/);
  const lenient = await haven('bank', 'import', 'industry', tsv, '--type', 'pdq', '--skip-invalid');
  assert.equal(lenient.code, 0, lenient.stderr);
  assert.equal(lenient.stdout, 'bank industry: 1 added, 1 already present, 1 rejected\n');
  assert.match(lenient.stderr, /listed with their line numbers in .*list\.tsv\.rejected\.txt/);

  // An investigator banks an item the system missed; its re-upload is then caught.
  const img = await scenePng(3);
  const items = write('items.jsonl', `${JSON.stringify({ externalId: 'missed-1', surface: 'public_post', media: [{ data: img.toString('base64') }] })}\n`);
  assert.equal((await haven('ingest', items, '--no-progress')).code, 0);
  const banked = await haven('bank', 'add-from-item', 'missed-1', '--bank', 'internal', '--classification', 'B1', '--label', 'confirmed by review');
  assert.equal(banked.code, 0, banked.stderr);
  assert.match(banked.stdout, /^bank internal: 3 entries added from item \S+ \(sha256, md5, pdq\)\n$/);
  const jsonl = (await haven('bank', 'export', 'internal', '--format', 'jsonl')).stdout.trim().split('\n').map((l) => JSON.parse(l));
  const pdqEntry = jsonl.find((e) => e.hashType === 'pdq');
  assert.equal(pdqEntry.hash, (await pdqHashImage(img, { maxPixels: 1e8 })).hash);
  assert.equal(pdqEntry.classification, 'B1');
  assert.match(pdqEntry.provenance, /^item:\S+ \(missed-1\)$/);
  const again = await haven('bank', 'add-from-item', 'missed-1', '--bank', 'internal');
  assert.match(again.stdout, /0 entries added/);
  const none = await haven('bank', 'add-from-item', 'no-such-item', '--bank', 'internal');
  assert.equal(none.code, 1);
  assert.equal(none.stderr, 'haven: no item with id or external id no-such-item\n');
});

test('vPDQ entries keep their frames in JSONL and are left out of flat exports with a warning', { timeout: 120_000 }, async (t) => {
  const dataDir = tempDir(t);
  const inputs = tempDir(t, 'haven-lists-');
  const haven = (...args: string[]) => runHaven(args, { dataDir });
  const frames = [0, 1, 2].map((i) => ({ hash: randomHex(64, 100 + i), quality: 90, timestampSec: i }));
  const file = join(inputs, 'video.jsonl');
  writeFileSync(file, [
    JSON.stringify({ hashType: 'vpdq', hash: 'abcdef0123456789', category: 'CSE-01', frames }),
    JSON.stringify({ hashType: 'md5', hash: randomHex(32, 5), category: 'CSE-01' }),
    JSON.stringify({ hashType: 'vpdq', hash: 'abcdef01', category: 'CSE-01' }),
  ].join('\n'));
  const refused = await haven('bank', 'import', 'videos', file);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /line 3: frames: a vpdq entry needs its frames/);
  writeFileSync(file, readFileSync(file, 'utf8').split('\n').slice(0, 2).join('\n'));
  assert.equal((await haven('bank', 'import', 'videos', file)).stdout, 'bank videos: 2 added, 0 already present\n');
  const jsonl = (await haven('bank', 'export', 'videos', '--format', 'jsonl')).stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(jsonl.find((e) => e.hashType === 'vpdq')?.frames, frames);
  const csv = await haven('bank', 'export', 'videos', '--format', 'csv');
  assert.equal(csv.stdout.trim().split('\n').length, 2, 'header and the md5 row only');
  assert.match(csv.stderr, /1 vPDQ entries left out: only --format jsonl carries their frames/);
});
