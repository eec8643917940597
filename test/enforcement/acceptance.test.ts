import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { evidenceRecordsForItem } from '../../src/enforcement/evidence/index.js';
import { startReceiver } from '../helpers/receiver.js';
import { forEachBackend } from '../helpers/stores.js';
import { reportFixture } from './ncmec/fixture.js';

const SECRET = 'acceptance-webhook-secret-0123456789';
const DAY = 86_400_000;

test('a banked image end to end: decided, actioned once by a verified webhook, preserved encrypted for a year, reported after legal approval', async (t) => {
  await forEachBackend(t, async (backend) => {
    const receiver = await startReceiver(SECRET);
    const x = await reportFixture(backend, { url: receiver.url, secret: SECRET });
    try {
      x.h.config.ncmec.reporterEmail = 'safety@platform.example';
      const started = Date.now();
      const { itemId } = await x.ingest('post_banked', x.images[0]!);
      await x.f.drain();
      await x.f.drain();

      const legal = await x.as('legal');
      const trace = (await legal.get(`/v1/items/${itemId}`)).json();
      // A decision recording its policy version and why.
      assert.equal(trace.decision.verdict, 'violating');
      assert.equal(trace.decision.policyVersion, 1);
      assert.match(trace.decision.reasons[0].text, /policy v1/);

      // Platform actions (the removal among them) delivered once each, with signatures the platform verifies.
      const platform = trace.actions.filter((a: { delivery: string }) => a.delivery === 'platform');
      assert.ok(platform.some((a: { type: string }) => a.type === 'block'));
      for (const a of platform) {
        assert.equal(a.status, 'delivered');
        assert.equal(receiver.byKey.get(a.idempotencyKey), 1);
      }
      assert.equal(receiver.rejected(), 0);
      await x.f.drain();
      assert.equal(receiver.received.length, platform.length, 'nothing is delivered twice');

      // The evidence: sealed on disk, under a one-year preservation hold.
      const [record] = await evidenceRecordsForItem(x.h.store.db, itemId);
      assert.ok(record?.sealed);
      const hold = trace.holds.find((h: { kind: string }) => h.kind === 'preservation');
      const until = Date.parse(hold.expiresAt);
      assert.ok(until - started >= 365 * DAY && until - Date.now() <= 365 * DAY, `hold until ${hold.expiresAt}`);
      if (backend.name === 'sqlite') {
        const image = x.images[0]!;
        const probe = image.subarray(image.length >> 1, (image.length >> 1) + 48);
        for (const path of [backend.config.sqlitePath, `${backend.config.sqlitePath}-wal`]) {
          if (existsSync(path)) assert.equal(readFileSync(path).indexOf(probe), -1, `${path} holds the image bytes`);
        }
      }

      // The report waits for legal approval, then goes through the CyberTipline lifecycle.
      const report = trace.actions.find((a: { type: string }) => a.type === 'report');
      assert.equal(report.status, 'awaiting_approval');
      const jobId = trace.reports[0].id as string;
      assert.equal(trace.reports[0].status, 'draft');
      assert.equal(await x.runner().runOnce(), 0, 'nothing is sent before approval');
      const job = (await legal.get(`/v1/reports/${jobId}`)).json();
      for (const file of job.files) assert.equal((await legal.get(`/v1/media/${file.mediaId}`)).statusCode, 200);
      assert.equal((await legal.post(`/v1/reports/${jobId}/approve`, { note: 'confirmed match' })).statusCode, 200);
      assert.equal(await x.runner().runOnce(), 1);

      const after = (await legal.get(`/v1/items/${itemId}`)).json();
      assert.equal(after.reports[0].status, 'finished');
      assert.ok(after.reports[0].ncmecReportId);
      const submitted = after.events.find((e: { type: string }) => e.type === 'report_submitted');
      assert.equal(submitted.payload.ncmecReportId, after.reports[0].ncmecReportId);
      assert.equal(x.ncmec.count('/submit'), 1);
    } finally {
      await x.close();
      await receiver.close();
    }
  });
});
