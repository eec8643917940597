import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openHaven } from '../../../src/app.js';
import { permissionsOf } from '../../../src/core/roles.js';
import { ProposalService } from '../../../src/learning/proposals/index.js';
import { patternPng } from '../../helpers/images.js';
import { forEachBackend } from '../../helpers/stores.js';
import { testLogger } from '../../helpers/logging.js';

test('retroaction: a deployed bank_hashes proposal gives matching history a new decision and actions, bounded and audited', async (t) => {
  await forEachBackend(t, async (backend) => {
    const h = await openHaven(backend.config, { logger: testLogger() });
    try {
      const banked = await patternPng(11);
      const other = await patternPng(12);
      const ids: string[] = [];
      for (const [externalId, data] of [['p1', banked], ['p2', banked], ['p3', other]] as const) {
        const [r] = await h.ingestor.ingest([await h.ingestor.prepare({ externalId, surface: 'public_post', author: { externalId: 'u' }, media: [{ data: data.toString('base64') }] })], 'test');
        ids.push(r?.itemId as string);
      }
      while ((await h.worker.runOnce()) > 0) {}
      const verdicts = async () => new Map((await h.store.db.selectFrom('decisions').select(['item_id', 'verdict']).orderBy('id').execute()).map((d) => [d.item_id, d.verdict]));
      assert.deepEqual([...(await verdicts()).values()], ['no_violation', 'no_violation', 'no_violation']);

      const bank = await h.banks.create({ name: 'b', description: '', source: 'internal' }, 'test');
      const s = new ProposalService(h);
      const p = await s.create({ kind: 'bank_hashes', title: 'bank it', change: { bankId: bank.id, fromItems: [ids[0]], category: 'CSE-01' } }, { label: 'user:i@test', permissions: permissionsOf(['investigator']) });
      await s.backtest(p.id, { days: 30 }, { label: 'user:i@test', permissions: permissionsOf(['investigator']) });
      const admin = { label: 'user:a@test', permissions: permissionsOf(['admin']) };
      await s.approve(p.id, 'yes', admin);
      const actionsBefore = (await h.store.db.selectFrom('actions').select('id').execute()).length;
      const { retroaction } = await s.deploy(p.id, admin, { retroact: { days: 30, limit: 1 } });
      assert.ok(retroaction);
      // Two items match; the limit of one applies the first (oldest) and counts the other as skipped.
      assert.deepEqual(retroaction.changed.map((c) => [c.itemId, c.before, c.after]), [[ids[0], 'no_violation', 'violating']]);
      assert.equal(retroaction.skippedOverLimit, 1);
      assert.equal((await verdicts()).get(ids[0] as string), 'violating', 'the newest decision of the item');
      assert.ok((await h.store.db.selectFrom('actions').select('id').execute()).length > actionsBefore);
      const applied = await h.store.db.selectFrom('events').select(['item_id', 'actor']).where('type', '=', 'retroaction_applied').execute();
      assert.deepEqual(applied.map((e) => [e.item_id, e.actor]), [[ids[0], 'user:a@test']]);
      const audit = await h.store.db.selectFrom('audit_log').select('action').where('target_id', '=', p.id).orderBy('seq').execute();
      assert.deepEqual(audit.map((a) => a.action), ['proposal.approve', 'proposal.deploy', 'proposal.retroaction']);
    } finally {
      await h.close();
    }
  });
});
