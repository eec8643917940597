import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Haven, openHaven } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { itemInputSchema } from '../../src/core/item-input.js';
import { CaseWork } from '../../src/investigations/case-work.js';
import { statusChangeSchema } from '../../src/investigations/escalations.js';
import { EscalationService } from '../../src/investigations/service.js';
import { runHaven, tempDir } from '../helpers/cli.js';
import { testLogger } from '../helpers/logging.js';

/** Haven over the CLI's own data directory, for seeding and for the steps the CLI does not offer. */
async function inProcess<T>(dataDir: string, fn: (h: Haven) => Promise<T>): Promise<T> {
  const h = await openHaven(loadConfig({ HAVEN_LOG_LEVEL: 'silent' }, { dataDir, sqlitePath: join(dataDir, 'haven.db') }), { logger: testLogger() });
  try {
    return await fn(h);
  } finally {
    await h.close();
  }
}

test('haven escalation: open by external id, list, show, and export the postmortem as Markdown', { timeout: 180_000 }, async (t) => {
  const dataDir = tempDir(t);
  const open = ['escalation', 'open', '--title', 'Reported by press', '--priority', 'P1', '--source', 'press', '--summary', 'A journalist sent a link.'];
  const unknown = await runHaven([...open, '--item', 'post-1'], { dataDir });
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stderr, 'haven: body.entities.items.0.externalId: unknown item external id post-1\n');

  const itemId = await inProcess(dataDir, async (h) => {
    const [r] = await h.ingestor.ingest([await h.ingestor.prepare(itemInputSchema.parse({ externalId: 'post-1', surface: 'public_post', text: 'a neutral message', author: { externalId: 'alice' } }))], 'test');
    while ((await h.worker.runOnce()) > 0) {}
    return r!.itemId;
  });

  const opened = await runHaven([...open, '--item', 'post-1'], { dataDir });
  assert.equal(opened.code, 0, opened.stderr);
  const id = /^opened escalation (\S+) \(P1, SLA due \S+\) with 1 entities$/m.exec(opened.stdout)?.[1];
  assert.ok(id, opened.stdout);

  await inProcess(dataDir, async (h) => {
    const svc = new EscalationService(h.store, h.clock);
    await svc.addNote(id, 'asked the platform for the original post', 'user:inv@test');
    await svc.changeStatus(id, statusChangeSchema.parse({ status: 'investigating' }), 'user:inv@test');
    await new CaseWork(svc).addCause(id, { cause: 'detection_gap', evidence: [{ itemId, eventId: null, step: 'coverage', text: 'no detector covers this surface' }] }, 'user:inv@test');
    await new CaseWork(svc).addRemediation(id, { team: 'engineering', title: 'Cover the surface' }, 'user:inv@test');
  });

  const list = await runHaven(['escalation', 'list'], { dataDir });
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, new RegExp(`^${id}  P1  investigating .* Reported by press$`, 'm'));
  const show = await runHaven(['escalation', 'show', id], { dataDir });
  assert.match(show.stdout, /note {3}user:inv@test: asked the platform for the original post/);
  assert.match(show.stdout, /confirmed Detection gap \(1 evidence\)/);

  const out = join(dataDir, 'postmortem.md');
  const exported = await runHaven(['escalation', 'export', id, '--format', 'md', '--out', out], { dataDir });
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal(exported.stdout, '');
  const md = readFileSync(out, 'utf8');
  assert.match(md, /^# Postmortem: Reported by press\n/);
  assert.match(md, /## Summary\n\nA journalist sent a link\./);
  const timeline = md.slice(md.indexOf('## Timeline'), md.indexOf('## Root causes'));
  assert.match(timeline, /Opened \(P1, source press\) with 1 item \(cli:/);
  assert.match(timeline, /Note: asked the platform for the original post \(user:inv@test\)/);
  assert.match(timeline, /Status new -> investigating/);
  assert.match(md, /## Root causes\n\n### Confirmed\n\n- Detection gap \(detection_gap\), confirmed by user:inv@test\n {2}- Evidence \(item \S+\): coverage: no detector covers this surface/);
  assert.match(md, /## Follow-ups\n\n- \[open\] engineering: Cover the surface/);

  const pdf = await runHaven(['escalation', 'export', id, '--format', 'pdf'], { dataDir });
  assert.deepEqual([pdf.code, pdf.stderr], [1, 'haven: --format must be md, not "pdf"\n']);
  const missing = await runHaven(['escalation', 'show', 'NOSUCH'], { dataDir });
  assert.deepEqual([missing.code, missing.stderr], [1, 'haven: escalation NOSUCH not found\n']);
});
