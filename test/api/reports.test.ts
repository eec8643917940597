import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reportFixture } from '../enforcement/ncmec/fixture.js';
import { makeBackend } from '../helpers/stores.js';

test('reports API: only legal approves, legal and investigators read, bad input is named', async (t) => {
  const backend = await makeBackend('sqlite');
  const x = await reportFixture(backend);
  t.after(async () => {
    await x.close();
    await backend.cleanup();
  });
  // No reporter contact is configured in the fixture, so approval names that field.
  await x.ingest('post_9', x.images[0]!, 'acct_9');
  await x.f.drain();
  const legal = await x.as('legal');
  const jobs = (await legal.get('/v1/reports')).json().reports;
  assert.equal(jobs.length, 1);
  const id = jobs[0].id as string;

  for (const role of ['admin', 'reviewer', 'analyst']) {
    assert.equal((await (await x.as(role)).get('/v1/reports')).statusCode, 403, `${role} sees no report jobs`);
  }
  const investigator = await x.as('investigator');
  assert.equal((await investigator.get(`/v1/reports/${id}`)).statusCode, 200);
  assert.equal((await investigator.post(`/v1/reports/${id}/approve`, { note: 'x' })).statusCode, 403);

  const noNote = await legal.post(`/v1/reports/${id}/approve`, {});
  assert.equal(noNote.statusCode, 400);
  assert.match(noNote.json().error.message, /body\.note/);
  const missing = await legal.post(`/v1/reports/${id}/approve`, { note: 'confirmed' });
  assert.equal(missing.statusCode, 422);
  assert.deepEqual(missing.json().error.issues.map((i: { path: string }) => i.path), ['reporter.reportingPerson.email (set HAVEN_NCMEC_REPORTER_EMAIL)']);

  const file = (await legal.get(`/v1/reports/${id}`)).json().files[0];
  const bad = await legal.patch(`/v1/reports/${id}/files/${file.id}`, { classification: 'Z9' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error.message, /body\.classification/);
  assert.equal((await legal.patch(`/v1/reports/${id}/files/nope`, { classification: 'B1' })).statusCode, 404);
  assert.equal((await legal.get('/v1/reports/nope')).statusCode, 404);

  const retracted = await legal.post(`/v1/reports/${id}/retract`, { reason: 'duplicate of an earlier report' });
  assert.equal(retracted.json().status, 'retracted', 'a job never submitted is retracted at once');
  assert.equal((await legal.post(`/v1/reports/${id}/approve`, { note: 'x' })).statusCode, 409);
});
