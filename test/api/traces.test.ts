import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { patternPng } from '../helpers/images.js';
import { startReceiver } from '../helpers/receiver.js';
import { forEachBackend } from '../helpers/stores.js';
import { apiFixture } from './setup.js';

const SECRET = 'traces-api-webhook-secret-0123456789';

test('traces over HTTP: an analyst reads an item trace without media links, and an account history; inputs are validated', async (t) => {
  await forEachBackend(t, async (backend) => {
    const receiver = await startReceiver(SECRET);
    const f = await apiFixture(backend, { url: receiver.url, secret: SECRET });
    try {
      const img = await patternPng(51);
      const bank = await f.haven.banks.create({ name: 'known', description: '', source: 'test' }, 'test');
      await f.haven.banks.addEntries(bank.id, [{ hashType: 'sha256', hash: createHash('sha256').update(img).digest('hex'), category: 'CSE-01' }], 'test');
      const ingest = async (payload: Record<string, unknown>) => (await f.app.inject({ method: 'POST', url: '/v1/items', headers: f.auth(), payload })).json() as { itemId: string };
      const banked = await ingest({ externalId: 'img', surface: 'public_post', author: { externalId: 'acct_api' }, media: [{ data: img.toString('base64') }] });
      await ingest({ externalId: 'note', surface: 'public_post', author: { externalId: 'acct_api' }, text: 'see you at practice' });
      await f.drain();

      const analyst = await f.login('analyst');
      const get = (url: string, headers: Record<string, string> = { cookie: analyst.cookie }) => f.app.inject({ method: 'GET', url, headers });
      const res = await get(`/v1/items/${banked.itemId}/trace`);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json() as {
        trace: { itemId: string; media: { id: string; previewUrl: string }[]; steps: { kind: string; at: string }[]; decisions: { verdict: string }[] };
        firstMissedCatch: unknown; suggestions: unknown[];
      };
      assert.equal(body.trace.itemId, banked.itemId);
      assert.equal(body.trace.decisions[0]?.verdict, 'violating');
      assert.ok(body.trace.steps.some((s) => s.kind === 'action_delivered'), 'deliveries are in the trace');
      assert.match(body.trace.steps[0]!.at, /^\d{4}-\d{2}-\d{2}T/, 'times are ISO strings');
      assert.deepEqual([body.firstMissedCatch, body.suggestions], [null, []], 'actioned and delivered: caught promptly');
      const mediaId = body.trace.media[0]!.id;
      assert.equal(body.trace.media[0]!.previewUrl, `/v1/media/${mediaId}/preview`);
      // The one media link is the blurred preview; the delivered webhook's address and the media bytes stay out.
      assert.equal(res.body.split(`/v1/media/${mediaId}`).length - 1, 1);
      assert.ok(!res.body.includes(`/v1/media/${mediaId}"`), 'no original media URL');
      assert.ok(!res.body.includes(receiver.url) && !res.body.includes('127.0.0.1'), 'no webhook address');
      assert.ok(!res.body.includes(img.toString('base64').slice(0, 40)), 'no media bytes');

      const withExpected = await get(`/v1/items/${banked.itemId}/trace?expected=CSE-05`);
      assert.equal(withExpected.statusCode, 200);
      assert.deepEqual((withExpected.json() as { expected: unknown }).expected, { category: 'CSE-05' });
      const bad = await get(`/v1/items/${banked.itemId}/trace?expected=grooming`);
      assert.equal(bad.statusCode, 400);
      assert.match((bad.json() as { error: { message: string } }).error.message, /query\.expected: a category id looks like CSE-01/);
      const unknown = await get(`/v1/items/${banked.itemId}/trace?expected=CSE-99`);
      assert.equal(unknown.statusCode, 400);
      assert.match((unknown.json() as { error: { message: string } }).error.message, /CSE-99 is not a category of the taxonomy/);
      assert.equal((await get('/v1/items/01NOSUCHITEM/trace')).statusCode, 404);
      const { key: writeOnly } = await f.haven.auth.createApiKey({ name: 'writer', scopes: ['items:write'] }, 'test');
      assert.equal((await get(`/v1/items/${banked.itemId}/trace`, f.auth(writeOnly))).statusCode, 403, 'needs items:read');

      const view = (await get(`/v1/items/${banked.itemId}`, f.auth(f.readOnlyKey))).json() as { item: { authorId: string } };
      const account = await get(`/v1/accounts/${view.item.authorId}/trace?limit=1`);
      assert.equal(account.statusCode, 200, account.body);
      const history = account.json() as { externalId: string; items: { externalId: string; verdict: string }[]; truncated: boolean; events: { kind: string }[] };
      assert.equal(history.externalId, 'acct_api');
      assert.deepEqual(history.items.map((i) => [i.externalId, i.verdict]), [['note', 'no_violation']], 'newest first, one item');
      assert.equal(history.truncated, true);
      assert.ok(history.events.some((e) => e.kind === 'action_delivered'), 'the delivered disable is an account event');
      assert.ok(!account.body.includes(receiver.url));
      assert.equal((await get(`/v1/accounts/${view.item.authorId}/trace?limit=0`)).statusCode, 400);
      assert.equal((await get('/v1/accounts/nobody/trace')).statusCode, 404);
    } finally {
      await f.close();
      await receiver.close();
    }
  });
});
