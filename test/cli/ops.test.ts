import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { OpsMetrics } from '../../src/review/ops/metrics.js';
import { migrate, openSqlite } from '../../src/store/db.js';
import { runHaven, tempDir } from '../helpers/cli.js';

const HOUR = 60 * 60 * 1000;

/** Two review tasks decided an hour ago: one on time, one after its SLA; one open task already overdue. */
async function seedTasks(dataDir: string): Promise<void> {
  const store = openSqlite(join(dataDir, 'haven.db'));
  try {
    await migrate(store);
    const now = Date.now();
    const task = (id: string, slaDueAt: number, decidedAt: number | null) => ({
      id, item_id: `item-${id}`, decision_id: `decision-${id}`, queue: 'general', category: 'CSE-01', severity: 'S1',
      status: decidedAt === null ? 'open' : 'done', sla_due_at: slaDueAt, created_at: now - 5 * HOUR, decided_at: decidedAt,
    });
    await store.db.insertInto('review_tasks').values([
      task('on-time', now - HOUR, now - 2 * HOUR),
      task('late', now - 3 * HOUR, now - 2 * HOUR),
      task('waiting', now - 4 * HOUR, null),
    ]).execute();
  } finally {
    await store.close();
  }
}

test('haven ops report prints the figures against their targets with breaches marked, or JSON; a bad --since is refused', { timeout: 120_000 }, async (t) => {
  const dataDir = tempDir(t);
  const bad = await runHaven(['ops', 'report', '--since', 'banana'], { dataDir });
  assert.equal(bad.code, 1);
  assert.equal(bad.stderr, 'haven: since must be a number of hours or days such as 24h, 7d or 30d, not "banana"\n');
  assert.equal(bad.stdout, '');

  const empty = await runHaven(['ops', 'report'], { dataDir });
  assert.equal(empty.code, 0, empty.stderr);
  assert.match(empty.stdout, /^Operations report \S+ \.\. \S+\nno figure breaches its target\n/);
  assert.match(empty.stdout, /^SLA compliance\s+-\s+>= 95\.0%$/m);
  assert.match(empty.stdout, /no open tasks/);

  await seedTasks(dataDir);
  const text = await runHaven(['ops', 'report', '--since', '7d'], { dataDir });
  assert.equal(text.code, 0, text.stderr);
  // One met out of two decided plus one open and overdue.
  assert.match(text.stdout, /^SLA compliance\s+33\.3%\s+>= 95\.0%\s+!! BREACHED$/m);
  assert.match(text.stdout, /^ {2}general\s+1\s+\d+\.\d min\s+1$/m, 'one open task, overdue');
  assert.match(text.stdout, /1 figure\(s\) breach their target: SLA compliance/);

  const json = await runHaven(['ops', 'report', '--since', '24h', '--json'], { dataDir });
  assert.equal(json.code, 0, json.stderr);
  const m = JSON.parse(json.stdout) as OpsMetrics;
  assert.deepEqual(m.sla, { decided: 2, met: 1, missed: 2, openOverdue: 1, withoutSla: 0, compliance: 1 / 3 });
  assert.equal(m.figures.find((f) => f.key === 'sla_compliance')?.breached, true);
  assert.deepEqual(m.queues.map((q) => [q.queue, q.depth, q.overdue, q.oldestAgeMinutes >= 300]), [['general', 1, 1, true]]);
  assert.equal(Date.parse(m.window.to) - Date.parse(m.window.from), 24 * HOUR);
});
