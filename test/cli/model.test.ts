import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqlite, toJson } from '../../src/store/db.js';
import { syntheticExamples } from '../detectors/model/fixtures.js';
import { runHaven, tempDir } from '../helpers/cli.js';

test('haven model train / list / show / promote on a temporary database', { timeout: 180_000 }, async (t) => {
  const dataDir = tempDir(t);
  const inputs = tempDir(t, 'haven-cli-input-');
  const haven = (...args: string[]) => runHaven(args, { dataDir });
  const examples = syntheticExamples();
  const good = join(inputs, 'labels.jsonl');
  writeFileSync(good, examples.map((e) => JSON.stringify({ text: e.text, labels: e.labels })).join('\n'));
  const bad = join(inputs, 'bad.jsonl');
  writeFileSync(bad, '{"text": "see you at practice", "labels": []}\n{"text": "what grade are you in", "labels": ["CSE-77"]}\n');

  const none = await haven('model', 'train');
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no items in this database carry ground-truth labels \(metadata\.labels\)/);

  const badRun = await haven('model', 'train', '--from', bad);
  assert.equal(badRun.code, 1);
  assert.match(badRun.stderr, /line 2: unknown category CSE-77/);

  const noReason = await haven('model', 'train', '--from', good, '--force');
  assert.equal(noReason.code, 1);
  assert.match(noReason.stderr, /--force needs --reason/);

  const first = await haven('model', 'train', '--from', good, '--json');
  assert.equal(first.code, 0, first.stderr);
  const report = JSON.parse(first.stdout) as { version: number; live: boolean; metrics: Record<string, { f1: number }>; training: { source: string } };
  assert.deepEqual([report.version, report.live, report.training.source], [1, true, 'file:labels.jsonl']);
  assert.deepEqual(Object.keys(report.metrics), ['CSE-05', 'CSE-13', 'CSE-14']);
  for (const m of Object.values(report.metrics)) assert.ok(m.f1 >= 0.9);

  // From the database's labelled items (metadata.labels), as the default source.
  const store = openSqlite(join(dataDir, 'haven.db'));
  try {
    await store.db.insertInto('items').values(examples.map((e, i) => ({
      id: `item${String(i).padStart(4, '0')}`, external_id: e.id, content_digest: e.id, surface: 'dm', kind: 'text', text: e.text,
      author_id: null, conversation_id: null, recipient_ids: toJson([]), created_at: 0, ingested_at: 0,
      metadata: toJson({ labels: e.labels }), status: 'processed',
    }))).execute();
  } finally {
    await store.close();
  }
  const second = await haven('model', 'train');
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /^model v2: trained on 480 examples from items/);
  assert.match(second.stdout, /category\s+support\s+precision\s+recall\s+F1\s+AP\s+live F1\s+vs live/);
  assert.match(second.stdout, /CSE-05\s+\d+\s+\d\.\d{4}/);
  assert.match(second.stdout, /\nCSE-14\s+\d+\s+[\d. ]+\s+equal\n/);
  assert.match(second.stdout, /\nmodel v2 is LIVE: held-out F1 at least live v1's on all 3 categories it covers\n$/);

  const list = await haven('model', 'list');
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^version\s+status/);
  assert.match(list.stdout, /\nv2\s+live\s.*\nv1\s+retired\s.*first model/);

  const promoted = await haven('model', 'promote', '1', '--reason', 'checking the rollback');
  assert.equal(promoted.code, 0, promoted.stderr);
  assert.equal(promoted.stdout, 'model v1 is LIVE (override: checking the rollback); v2 retired\n');

  const show = await haven('model', 'show');
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /^model v1 {2}LIVE/);
  assert.match(show.stdout, /trained on 480 examples from file:labels\.jsonl/);

  const listed = await haven('model', 'list', '--json');
  assert.equal(listed.code, 0, listed.stderr);
  const listJson = JSON.parse(listed.stdout) as { version: number; status: string }[];
  assert.deepEqual(listJson.map((m) => m.version), [2, 1]);
  assert.equal((await haven('model', 'show', '7')).stderr, 'haven: no model version 7\n');
});
