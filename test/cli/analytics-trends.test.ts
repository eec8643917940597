import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { migrate, openSqlite, toJson } from '../../src/store/db.js';
import { runHaven, tempDir } from '../helpers/cli.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** One flat CSE-13 comment a day for five weeks, then eight more on the last day. */
async function seed(dataDir: string, until: number): Promise<void> {
  const store = openSqlite(join(dataDir, 'haven.db'));
  try {
    await migrate(store);
    const add = async (id: string, at: number) => {
      await store.db.insertInto('items').values({
        id, external_id: id, content_digest: id, surface: 'comment', kind: 'text', text: 'a neutral note', author_id: null, conversation_id: null,
        recipient_ids: toJson([]), created_at: at, ingested_at: at, metadata: toJson({}), status: 'processed',
      }).execute();
      await store.db.insertInto('signals').values({
        id: `s-${id}`, item_id: id, detector: 'text.rules', detector_version: '1', category: 'CSE-13', score: 0.5, evidence: toJson({}), created_at: at,
      }).execute();
    };
    for (let d = 1; d <= 35; d++) await add(`flat${d}`, until - d * DAY + 9 * HOUR);
    for (let k = 0; k < 8; k++) await add(`burst${k}`, until - 3 * HOUR + k * 60_000);
  } finally {
    await store.close();
  }
}

test('haven analytics trends|spikes print volumes and the alert naming the slice; bad options are refused', { timeout: 120_000 }, async (t) => {
  const dataDir = tempDir(t);
  const until = Date.UTC(2026, 0, 29);
  await seed(dataDir, until);
  const iso = new Date(until).toISOString();

  const spikes = await runHaven(['analytics', 'spikes', '--until', iso], { dataDir });
  assert.equal(spikes.code, 0, spikes.stderr);
  assert.match(spikes.stdout, /CSE-13 on comment: 9 in the day from 2026-01-28T00:00Z vs median 1 \(same_weekday_previous_weeks: 1, 1, 1, 1\); score 8/);
  assert.match(spikes.stdout, /items: burst7 burst6/);

  const json = await runHaven(['analytics', 'trends', '--metric', 'items', '--by', 'surface', '--since', '2d', '--until', iso, '--json'], { dataDir });
  assert.equal(json.code, 0, json.stderr);
  const body = JSON.parse(json.stdout) as { points: { at: number; count: number }[] };
  assert.deepEqual(body.points.map((p) => [p.at, p.count]), [[until - 2 * DAY, 1], [until - DAY, 9]]);

  const text = await runHaven(['analytics', 'trends', '--metric', 'signals', '--by', 'category', '--since', '1d', '--until', iso], { dataDir });
  assert.match(text.stdout, /2026-01-28 +9 +CSE-13/);

  const bad = await runHaven(['analytics', 'trends', '--metric', 'tweets'], { dataDir });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--metric/);
  const badBy = await runHaven(['analytics', 'trends', '--metric', 'items', '--by', 'detector'], { dataDir });
  assert.equal(badBy.code, 1);
  assert.match(badBy.stderr, /items has no dimension "detector"/);
});
