import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { patternJpeg, patternPng } from '../helpers/images.js';
import { startReceiver } from '../helpers/receiver.js';
import { makeBackend } from '../helpers/stores.js';
import { apiFixture } from './setup.js';

const SECRET = 'api-test-webhook-secret-012345';

test('items API: ingest, trace, and clear 4xx answers for bad input', async (t) => {
  const backend = await makeBackend('sqlite');
  const receiver = await startReceiver(SECRET);
  const f = await apiFixture(backend, { url: receiver.url, secret: SECRET });
  t.after(async () => {
    await f.close();
    await receiver.close();
    await backend.cleanup();
  });
  const img = await patternPng(3);
  const sha = createHash('sha256').update(img).digest('hex');

  await t.test('a bank curated through the API is matched, and the trace explains the decision', async () => {
    const policy = await f.login('senior_reviewer');
    const headers = { cookie: policy.cookie, 'x-csrf-token': policy.csrf };
    const bank = await f.app.inject({ method: 'POST', url: '/v1/banks', headers, payload: { name: 'known', source: 'test' } });
    assert.equal(bank.statusCode, 201, bank.body);
    const bankId = bank.json().id as string;
    const added = await f.app.inject({
      method: 'POST', url: `/v1/banks/${bankId}/entries`, headers,
      payload: { entries: [{ hashType: 'sha256', hash: sha.toUpperCase(), category: 'CSE-01', classification: 'A1' }] },
    });
    assert.equal(added.statusCode, 201, added.body);
    assert.equal(added.json().added, 1);

    const res = await f.app.inject({
      method: 'POST', url: '/v1/items', headers: f.auth(),
      payload: { externalId: 'p1', surface: 'public_post', author: { externalId: 'u1', ageBand: 'adult' }, media: [{ data: img.toString('base64') }] },
    });
    assert.equal(res.statusCode, 202, res.body);
    const { itemId, duplicate } = res.json();
    assert.equal(duplicate, false);
    const again = await f.app.inject({
      method: 'POST', url: '/v1/items', headers: f.auth(),
      payload: { externalId: 'p1', surface: 'public_post', author: { externalId: 'u1', ageBand: 'adult' }, media: [{ data: img.toString('base64') }] },
    });
    assert.deepEqual([again.statusCode, again.json().itemId, again.json().duplicate], [202, itemId, true]);
    await f.drain();

    const view = await f.app.inject({ method: 'GET', url: `/v1/items/${itemId}`, headers: f.auth() });
    assert.equal(view.statusCode, 200);
    const v = view.json();
    assert.equal(v.decision.verdict, 'violating');
    assert.equal(v.decision.policyVersion, 1);
    assert.equal(v.decision.reasons[0].threshold, 1);
    assert.match(v.decision.reasons[0].text, /action threshold 1 of CSE-01 .*policy v1/);
    assert.equal(v.signals[0].evidence.bankId, bankId);
    assert.ok(v.signals[0].evidence.bankEntryId);
    const block = v.actions.find((a: { type: string }) => a.type === 'block');
    assert.equal(block.status, 'delivered');
    assert.ok(Date.parse(block.deliveredAt) > 0);
    assert.equal(receiver.byKey.get(block.idempotencyKey), 1);
    assert.ok(v.events.some((e: { type: string }) => e.type === 'action_delivered'));

    const list = await f.app.inject({ method: 'GET', url: '/v1/items?verdict=violating', headers: f.auth() });
    assert.deepEqual(list.json().items.map((i: { externalId: string }) => i.externalId), ['p1']);
  });

  await t.test('multipart upload is accepted like JSON', async () => {
    const jpeg = await patternJpeg(9);
    const boundary = '----haventest';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="item"\r\n\r\n${JSON.stringify({ externalId: 'mp1', surface: 'comment', text: 'nice colours' })}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
      jpeg,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await f.app.inject({
      method: 'POST', url: '/v1/items', payload: body,
      headers: { ...f.auth(), 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    assert.equal(res.statusCode, 202, res.body);
    const v = (await f.app.inject({ method: 'GET', url: `/v1/items/${res.json().itemId}`, headers: f.auth() })).json();
    assert.equal(v.item.kind, 'multimodal');
    assert.equal(v.item.media[0].mime, 'image/jpeg');
    assert.equal(v.item.media[0].sha256, createHash('sha256').update(jpeg).digest('hex'));
  });

  const bad: [string, Record<string, unknown>, number, RegExp][] = [
    ['malformed JSON', { payload: '{"externalId": "x", ', headers: { 'content-type': 'application/json' } }, 400, /not valid JSON/],
    ['an unknown field', { payload: { externalId: 'x', surface: 'public_post', text: 'hi', colour: 'red' } }, 400, /body: Unrecognized key.*colour/],
    ['no content', { payload: { externalId: 'x', surface: 'public_post' } }, 400, /needs text or at least one media part/],
    ['a bad surface', { payload: { externalId: 'x', surface: 'Public Post', text: 'hi' } }, 400, /body\.surface/],
    ['a 50 MB body', { payload: JSON.stringify({ externalId: 'x', surface: 'public_post', text: 'a'.repeat(50 * 1024 * 1024) }), headers: { 'content-type': 'application/json' } }, 413, /too large/],
    ['media that is not base64', { payload: { externalId: 'x', surface: 'public_post', media: [{ data: '%%%not base64%%%' }] } }, 400, /media\.0\.data/],
    ['media that is not an image', { payload: { externalId: 'x', surface: 'public_post', media: [{ data: Buffer.from('just some text, not a picture').toString('base64') }] } }, 422, /media\[0\]: not a supported image or video/],
  ];
  for (const [name, req, status, message] of bad) {
    await t.test(`${name} gets ${status} with a message`, async () => {
      const headers = { ...f.auth(), ...((req.headers as Record<string, string>) ?? {}) };
      const res = await f.app.inject({ method: 'POST', url: '/v1/items', ...req, headers } as never);
      assert.equal(res.statusCode, status, res.body);
      assert.match(res.json().error.message, message);
    });
  }

  await t.test('a truncated JPEG gets 422 naming the media part', async () => {
    const jpeg = await patternJpeg(4, 200, 200);
    const res = await f.app.inject({
      method: 'POST', url: '/v1/items', headers: f.auth(),
      payload: { externalId: 'trunc', surface: 'public_post', media: [{ data: jpeg.subarray(0, jpeg.length >> 1).toString('base64') }] },
    });
    assert.equal(res.statusCode, 422, res.body);
    assert.match(res.json().error.message, /media\[0\].*(premature end|cannot be decoded|corrupt)/i);
    const list = await f.app.inject({ method: 'GET', url: '/v1/items?q=trunc', headers: f.auth() });
    assert.equal(list.json().items.length, 0, 'nothing was stored');
  });

  await t.test('wrong or missing credentials get 401, missing permission 403', async () => {
    const wrong = await f.app.inject({ method: 'POST', url: '/v1/items', headers: { authorization: 'Bearer hvk_not-a-real-key' }, payload: { externalId: 'x', surface: 's', text: 'hi' } });
    assert.equal(wrong.statusCode, 401);
    assert.match(wrong.json().error.message, /unknown or revoked API key/);
    const none = await f.app.inject({ method: 'GET', url: '/v1/items' });
    assert.equal(none.statusCode, 401);
    const malformed = await f.app.inject({ method: 'GET', url: '/v1/items', headers: { authorization: 'Basic abc' } });
    assert.equal(malformed.statusCode, 401);
    const readOnly = await f.app.inject({ method: 'POST', url: '/v1/items', headers: f.auth(f.readOnlyKey), payload: { externalId: 'x', surface: 's', text: 'hi' } });
    assert.equal(readOnly.statusCode, 403);
    assert.match(readOnly.json().error.message, /items:write/);
    const missing = await f.app.inject({ method: 'GET', url: '/v1/items/01NOTANITEM', headers: f.auth() });
    assert.equal(missing.statusCode, 404);
  });

  await t.test('bad query parameters get 400', async () => {
    const res = await f.app.inject({ method: 'GET', url: '/v1/items?limit=100000', headers: f.auth() });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error.message, /query\.limit/);
  });
});
