import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runHaven, tempDir } from '../helpers/cli.js';

test('haven text normalize prints the normalised text and the tactics it undid', { timeout: 120_000 }, async (t) => {
  const dataDir = tempDir(t);
  const haven = (...args: string[]) => runHaven(args, { dataDir });

  const json = await haven('text', 'normalize', 'Our ѕ3сr3t 🤫', '--json');
  assert.equal(json.code, 0, json.stderr);
  assert.equal(json.stdout.split('\n').length, 2, 'one line of JSON');
  const parsed = JSON.parse(json.stdout) as { normalized: string; tactics: string[]; offsets: number[] };
  assert.deepEqual(Object.keys(parsed), ['normalized', 'tactics', 'offsets']);
  assert.equal(parsed.normalized, 'our secret secret');
  assert.deepEqual(parsed.tactics, ['homoglyph', 'leet', 'emoji']);
  assert.deepEqual(parsed.offsets, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 11, 11, 11, 11, 11, 13]);

  const plain = await haven('text', 'normalize', 'I am 13 years old');
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(plain.stdout, 'i am 13 years old\ntactics: none\n');

  const missing = await haven('text', 'normalize');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /missing required argument 'text'/);
});
