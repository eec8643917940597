import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { patternPng } from '../helpers/images.js';
import { forEachBackend } from '../helpers/stores.js';
import { apiFixture, PASSWORD } from './setup.js';

test('evidence API: audited snapshot reads, legal holds by legal only, holds in the item trace', async (t) => {
  await forEachBackend(t, async (backend) => {
    const f = await apiFixture(backend);
    try {
      await f.haven.auth.createUser({ email: 'legal@test.local', name: 'legal', password: PASSWORD, roles: ['legal'] }, 'test');
      const legal = await f.login('legal');
      const legalHeaders = { cookie: legal.cookie, 'x-csrf-token': legal.csrf };
      const reviewer = await f.login('reviewer');
      const reviewerHeaders = { cookie: reviewer.cookie, 'x-csrf-token': reviewer.csrf };

      const img = await patternPng(5);
      const bank = await f.haven.banks.create({ name: 'known', source: 'test' }, 'test');
      await f.haven.banks.addEntries(bank.id, [{ hashType: 'sha256', hash: createHash('sha256').update(img).digest('hex'), category: 'CSE-01' }], 'test');
      const res = await f.app.inject({
        method: 'POST', url: '/v1/items', headers: f.auth(),
        payload: { externalId: 'e1', surface: 'public_post', author: { externalId: 'u1', ageBand: 'adult' }, media: [{ data: img.toString('base64') }] },
      });
      const { itemId } = res.json();
      await f.drain();

      const list = await f.app.inject({ method: 'GET', url: `/v1/evidence?item=${itemId}`, headers: legalHeaders });
      assert.equal(list.statusCode, 200, list.body);
      const [record] = list.json().evidence;
      assert.equal(record.sealed, true);
      assert.equal((await f.app.inject({ method: 'GET', url: `/v1/evidence?item=${itemId}`, headers: reviewerHeaders })).statusCode, 403);

      const audits = async () => (await f.haven.store.db.selectFrom('audit_log').select('seq').where('action', '=', 'evidence.view').execute()).length;
      for (let i = 1; i <= 2; i++) {
        const read = await f.app.inject({ method: 'GET', url: `/v1/evidence/${record.id}`, headers: legalHeaders });
        assert.equal(read.statusCode, 200, read.body);
        assert.equal(read.json().snapshot.item.id, itemId);
        assert.equal(await audits(), i);
      }
      assert.equal((await f.app.inject({ method: 'GET', url: `/v1/evidence/${record.id}`, headers: reviewerHeaders })).statusCode, 403);
      assert.equal(await audits(), 2);
      assert.equal((await f.app.inject({ method: 'GET', url: '/v1/evidence/nope', headers: legalHeaders })).statusCode, 404);

      const refused = await f.app.inject({ method: 'POST', url: `/v1/items/${itemId}/legal-hold`, headers: reviewerHeaders, payload: { reason: 'order 1' } });
      assert.equal(refused.statusCode, 403);
      const noReason = await f.app.inject({ method: 'POST', url: `/v1/items/${itemId}/legal-hold`, headers: legalHeaders, payload: {} });
      assert.equal(noReason.statusCode, 400);
      assert.match(noReason.json().error.message, /body\.reason/);
      const placed = await f.app.inject({ method: 'POST', url: `/v1/items/${itemId}/legal-hold`, headers: legalHeaders, payload: { reason: 'order 1' } });
      assert.equal(placed.statusCode, 201, placed.body);
      assert.equal(placed.json().hold.expiresAt, null);

      const view = (await f.app.inject({ method: 'GET', url: `/v1/items/${itemId}`, headers: f.auth() })).json();
      assert.deepEqual(view.holds.map((h: { kind: string; inForce: boolean }) => [h.kind, h.inForce]), [['preservation', true], ['legal', true]]);
      const holds = (await f.app.inject({ method: 'GET', url: `/v1/items/${itemId}/holds`, headers: f.auth() })).json().holds;
      assert.equal(holds.length, 2);

      const noLiftReason = await f.app.inject({ method: 'DELETE', url: `/v1/items/${itemId}/legal-hold`, headers: legalHeaders, payload: {} });
      assert.equal(noLiftReason.statusCode, 400);
      const lifted = await f.app.inject({ method: 'DELETE', url: `/v1/items/${itemId}/legal-hold`, headers: legalHeaders, payload: { reason: 'case closed' } });
      assert.equal(lifted.statusCode, 200, lifted.body);
      assert.equal(lifted.json().released[0].releaseReason, 'case closed');
      const again = await f.app.inject({ method: 'DELETE', url: `/v1/items/${itemId}/legal-hold`, headers: legalHeaders, payload: { reason: 'case closed' } });
      assert.equal(again.statusCode, 404);
      const preservation = holds.find((h: { kind: string }) => h.kind === 'preservation');
      const notLegal = await f.app.inject({ method: 'DELETE', url: `/v1/holds/${preservation.id}`, headers: legalHeaders, payload: { reason: 'try' } });
      assert.equal(notLegal.statusCode, 409);
    } finally {
      await f.close();
    }
  });
});
