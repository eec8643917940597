import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runHaven, tempDir } from '../helpers/cli.js';
import { syntheticHashList } from '../../src/demo/hashes.js';

test('a large list with a bad line deep inside: refused whole, or imported without it; then re-imported as present', {
  timeout: 180_000,
}, async (t) => {
  const dataDir = tempDir(t);
  const file = join(tempDir(t, 'haven-import-'), 'list.txt');
  const haven = (...args: string[]) => runHaven(args, { dataDir, timeoutMs: 120_000 });
  // More rows than the import writes at a time, so the bad line comes after rows were already written.
  const hashes = syntheticHashList(70_000, 11);
  const lines = [...hashes.slice(0, 60_000), hashes[5], 'f'.repeat(63), ...hashes.slice(60_000)];
  writeFileSync(file, `${lines.join('\n')}\n`);

  const refused = await haven('bank', 'import', 'big', file, '--type', 'pdq');
  assert.equal(refused.code, 1);
  assert.equal(refused.stdout, '');
  assert.equal(
    refused.stderr,
    'haven: 1 bad line(s), nothing imported (--skip-invalid imports the valid rows):\nline 60002: hash: a pdq hash is 64 hex characters\n',
  );
  assert.equal((await haven('bank', 'export', 'big')).stderr, 'haven: no bank named big\n');

  const lenient = await haven('bank', 'import', 'big', file, '--type', 'pdq', '--skip-invalid');
  assert.equal(lenient.code, 0, lenient.stderr);
  assert.equal(lenient.stdout, 'bank big: 70000 added, 1 already present, 1 rejected\n', 'a hash twice in the file is added once');
  assert.match(lenient.stderr, /1 row\(s\) rejected, listed with their line numbers in .*list\.txt\.rejected\.txt\n70002 rows in /);
  assert.equal(readFileSync(`${file}.rejected.txt`, 'utf8'), 'line 60002: hash: a pdq hash is 64 hex characters\n');

  const again = await haven('bank', 'import', 'big', file, '--type', 'pdq', '--skip-invalid');
  assert.equal(again.stdout, 'bank big: 0 added, 70001 already present, 1 rejected\n');
  const exported = (await haven('bank', 'export', 'big', '--format', 'plain')).stdout.trim().split('\n');
  assert.deepEqual(exported.sort(), [...hashes].sort());
});

test('a bank import of a file that is not there says so', { timeout: 60_000 }, async (t) => {
  const dataDir = tempDir(t);
  const r = await runHaven(['bank', 'import', 'x', join(dataDir, 'missing.csv')], { dataDir });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `haven: cannot read ${join(dataDir, 'missing.csv')}: no such file\n`);
});
