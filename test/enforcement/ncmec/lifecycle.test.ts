import assert from 'node:assert/strict';
import { test } from 'node:test';
import { verifyAudit } from '../../../src/store/repos/audit.js';
import { forEachBackend } from '../../helpers/stores.js';
import { reportFixture } from './fixture.js';

test('a banked image is reported: drafted, refused until complete and viewed, approved, submitted, resumed after a failure', async (t) => {
  await forEachBackend(t, async (backend) => {
    const x = await reportFixture(backend);
    try {
      const first = await x.ingest('post_1', x.images[0]!);
      const second = await x.ingest('post_2', x.images[1]!);
      await x.f.drain();

      // Drafted and waiting: one job for the user, gathering both reported items (dedup by reported user).
      const legal = await x.as('legal');
      const trace = (await legal.get(`/v1/items/${first.itemId}`)).json();
      assert.equal(trace.decision.policyVersion, 1);
      assert.equal(trace.actions.find((a: { type: string }) => a.type === 'report').status, 'awaiting_approval');
      assert.equal(trace.reports.length, 1);
      const jobId = trace.reports[0].id as string;
      assert.deepEqual(trace.reports[0], { id: jobId, status: 'draft', ncmecReportId: null });
      assert.ok(trace.events.some((e: { type: string }) => e.type === 'report_drafted'));
      assert.equal((await legal.get(`/v1/items/${second.itemId}`)).json().reports[0].id, jobId);

      const job = (await legal.get(`/v1/reports/${jobId}`)).json();
      assert.equal(job.incidentType, 'Child Pornography (possession, manufacture, and distribution)');
      assert.equal(job.reportedUser.espIdentifier, 'acct_1');
      assert.equal(job.files.length, 2);
      for (const file of job.files) {
        assert.equal(file.classification, 'A1', 'the industry class comes from the bank entry');
        assert.equal(file.viewedByPlatform, false, 'nobody has opened it yet');
        assert.equal(file.publiclyAvailable, true);
      }

      // Missing fields are named; then, with the contact configured, approval waits for a person to view the files.
      const missing = await legal.post(`/v1/reports/${jobId}/approve`, { note: 'confirmed match' });
      assert.equal(missing.statusCode, 422, missing.body);
      assert.equal(missing.json().error.code, 'missing_fields');
      assert.match(missing.json().error.message, /reporter\.reportingPerson\.email/);
      x.h.config.ncmec.reporterEmail = 'safety@platform.example';
      const unviewed = await legal.post(`/v1/reports/${jobId}/approve`, { note: 'confirmed match' });
      assert.equal(unviewed.statusCode, 422);
      assert.equal(unviewed.json().error.code, 'not_reviewed');
      assert.match(unviewed.json().error.message, /viewed 0 of 2/);

      for (const file of job.files) assert.equal((await legal.get(`/v1/media/${file.mediaId}`)).statusCode, 200);
      const reclassified = await legal.patch(`/v1/reports/${jobId}/files/${job.files[1].id}`, { classification: 'A2' });
      assert.equal(reclassified.statusCode, 200, reclassified.body);
      const approved = await legal.post(`/v1/reports/${jobId}/approve`, { note: 'confirmed match' });
      assert.equal(approved.statusCode, 200, approved.body);
      assert.equal(approved.json().status, 'approved');
      assert.deepEqual(approved.json().files.map((f: { viewedByPlatform: boolean }) => f.viewedByPlatform), [true, true]);

      // The second upload's connection drops: the job stops at 'submitted' with one file acknowledged.
      x.ncmec.failOn('/upload', 2, 'drop');
      assert.equal(await x.runner().runOnce(), 1);
      let state = (await legal.get(`/v1/reports/${jobId}`)).json();
      assert.equal(state.status, 'submitted');
      assert.ok(state.ncmecReportId);
      assert.equal(state.files.filter((f: { ncmecFileId: string | null }) => f.ncmecFileId).length, 1);
      assert.match(state.lastError, /^upload: /);
      assert.equal(await x.runner().runOnce(), 0, 'not due again before its backoff');

      // A new runner (as after a restart) resumes from the last acknowledged step: no second /submit, no re-upload.
      x.advance(10 * 60_000);
      assert.equal(await x.runner().runOnce(), 1);
      state = (await legal.get(`/v1/reports/${jobId}`)).json();
      assert.equal(state.status, 'finished', state.lastError);
      assert.equal(x.ncmec.count('/submit'), 1);
      assert.equal(x.ncmec.count('/upload'), 3, 'one acknowledged, one dropped, then only the missing one');
      assert.equal(x.ncmec.count('/fileinfo'), 2);
      assert.equal(x.ncmec.count('/finish'), 1);
      const atNcmec = x.ncmec.reports.get(state.ncmecReportId)!;
      assert.equal(atNcmec.status, 'finished');
      assert.equal(atNcmec.files.size, 2);
      assert.ok([...atNcmec.files.values()].every((f) => f.details?.includes('<fileViewedByEsp>true</fileViewedByEsp>')));
      assert.ok([...atNcmec.files.values()].some((f) => f.details?.includes('<industryClassification>A2</industryClassification>')));
      assert.deepEqual(state.exchanges.map((e: { step: string; outcome: string }) => `${e.step}:${e.outcome}`),
        ['submit:ok', 'upload:ok', 'upload:retry', 'upload:ok', 'fileinfo:ok', 'fileinfo:ok', 'finish:ok']);
      assert.match(state.exchanges[0].request, /^<\?xml[\s\S]*<report><incidentSummary>/);
      assert.ok(!state.exchanges[0].request.includes('post_1'), 'item text and ids stay out of the report');

      const done = (await legal.get(`/v1/items/${first.itemId}`)).json();
      assert.deepEqual(done.reports, [{ id: jobId, status: 'finished', ncmecReportId: state.ncmecReportId }]);
      const submitted = done.events.find((e: { type: string }) => e.type === 'report_submitted');
      assert.equal(submitted.payload.ncmecReportId, state.ncmecReportId);
      assert.ok(done.events.some((e: { type: string }) => e.type === 'report_approved'));

      const audit = await x.h.store.db.selectFrom('audit_log').select('action').where('target_type', '=', 'report_job').execute();
      assert.deepEqual(audit.map((a) => a.action).sort(), ['report.approve', 'report.classify_file']);
      assert.equal((await verifyAudit(x.h.store.db)).ok, true);
    } finally {
      await x.close();
    }
  });
});
