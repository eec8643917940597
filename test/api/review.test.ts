// The review workbench over HTTP: who may claim and decide, what a task view holds, and how bad input is refused.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { DEFAULT_REVIEW_CONFIG } from '../../src/review/config.js';
import { patternPng } from '../helpers/images.js';
import { forEachBackend } from '../helpers/stores.js';
import { apiFixture } from './setup.js';

test('review over HTTP: claim, view, decide, second review; refusals name the problem', async (t) => {
  await forEachBackend(t, async (backend) => {
    const f = await apiFixture(backend);
    try {
      const bank = await f.haven.banks.create({ name: 'leads', description: 'review only', source: 'test', matchMode: 'review' }, 'test');
      const ingest = async (n: number, category: string, conversation?: string) => {
        const img = await patternPng(n);
        await f.haven.banks.addEntries(bank.id, [{ hashType: 'sha256', hash: createHash('sha256').update(img).digest('hex'), category }], 'test');
        const res = await f.app.inject({
          method: 'POST', url: '/v1/items', headers: f.auth(),
          payload: {
            externalId: `post_${n}`, surface: 'direct_message', author: { externalId: 'acct_adult', ageBand: 'adult' },
            recipients: [{ externalId: 'acct_teen', ageBand: '13_15' }], ...(conversation ? { conversationId: conversation } : {}),
            text: `message ${n}`, media: [{ data: img.toString('base64') }],
          },
        });
        assert.ok(res.statusCode < 300, res.body);
      };
      for (let i = 0; i < 3; i++) {
        const res = await f.app.inject({
          method: 'POST', url: '/v1/items', headers: f.auth(),
          payload: { externalId: `ctx_${i}`, surface: 'direct_message', author: { externalId: 'acct_adult' }, recipients: [{ externalId: 'acct_teen' }], conversationId: 'conv_1', text: `hello there ${i}` },
        });
        assert.ok(res.statusCode < 300, res.body);
      }
      await ingest(1, 'CSE-13', 'conv_1');
      await ingest(2, 'CSE-01');
      await f.drain();
      await f.haven.configs.deploy('review', { ...DEFAULT_REVIEW_CONFIG, qa: { humanSampleRate: 1, automatedSampleRate: 0 } }, 'QA everything', 'test');

      const reviewer = await f.login('reviewer');
      const senior = await f.login('senior_reviewer');
      const analyst = await f.login('analyst');
      const as = (s: { cookie: string; csrf: string }) => ({ cookie: s.cookie, 'x-csrf-token': s.csrf });

      assert.equal((await f.app.inject({ method: 'POST', url: '/v1/review/claim', headers: as(analyst), payload: {} })).statusCode, 403);
      const queues = (await f.app.inject({ method: 'GET', url: '/v1/review/queues', headers: as(reviewer) })).json() as { queues: { id: string; eligible: boolean; open: number }[] };
      assert.equal(queues.queues.find((q) => q.id === 'urgent')?.eligible, false);
      assert.equal(queues.queues.find((q) => q.id === 'grooming')?.open, 1);
      const refused = await f.app.inject({ method: 'POST', url: '/v1/review/claim', headers: as(reviewer), payload: { queues: ['urgent'] } });
      assert.equal(refused.statusCode, 403);
      assert.match(refused.json().error.message, /urgent/);

      const claimed = await f.app.inject({ method: 'POST', url: '/v1/review/claim', headers: as(reviewer), payload: {} });
      assert.equal(claimed.statusCode, 200, claimed.body);
      const view = claimed.json().task;
      assert.equal(view.task.queue, 'grooming');
      assert.equal(view.task.ongoingHarm, false, 'a bank match alone is not a live-conversation risk');
      assert.deepEqual(view.conversation.map((m: { text: string }) => m.text), ['hello there 0', 'hello there 1', 'hello there 2', 'message 1']);
      assert.equal(view.conversation.at(-1).current, true);
      assert.deepEqual(view.accounts.map((a: { role: string; ageBand: string }) => `${a.role}:${a.ageBand}`).sort(), ['author:adult', 'recipient:13_15']);
      assert.ok(view.signals.length > 0);
      assert.ok(view.whyQueued.reasons[0].includes('review-only bank'));
      assert.equal(view.item.media.length, 1);
      const taskId = view.task.id as string;

      const bad = await f.app.inject({ method: 'POST', url: `/v1/review/tasks/${taskId}/decision`, headers: as(reviewer), payload: { verdict: 'maybe' } });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.json().error.message, /verdict/);
      const noCategory = await f.app.inject({ method: 'POST', url: `/v1/review/tasks/${taskId}/decision`, headers: as(reviewer), payload: { verdict: 'violating' } });
      assert.equal(noCategory.statusCode, 400);
      assert.match(noCategory.json().error.message, /category/);
      const notMine = await f.app.inject({ method: 'POST', url: `/v1/review/tasks/${taskId}/decision`, headers: as(senior), payload: { verdict: 'not_violating' } });
      assert.equal(notMine.statusCode, 409);
      const decided = await f.app.inject({
        method: 'POST', url: `/v1/review/tasks/${taskId}/decision`, headers: as(reviewer),
        payload: { verdict: 'violating', category: 'CSE-13', policyClause: 'CSE-13 §1', note: 'asks to keep it secret' },
      });
      assert.equal(decided.statusCode, 200, decided.body);
      assert.equal(decided.json().secondReviewRequired, false);
      assert.deepEqual(decided.json().decision.actions, ['restrict', 'warn']);
      assert.deepEqual(decided.json().opened.map((o: { kind: string }) => o.kind), ['qa']);

      // Blind QA: no decision, signals or reasons in the view, and the item page is closed to the checker meanwhile.
      const qaView = (await f.app.inject({ method: 'POST', url: '/v1/review/claim', headers: as(senior), payload: { queues: ['qa'] } })).json().task;
      assert.equal(qaView.task.blind, true);
      assert.equal(qaView.task.category, null);
      assert.deepEqual(qaView.signals, []);
      assert.deepEqual(qaView.whyQueued, { events: [], reasons: [] });
      const peek = await f.app.inject({ method: 'GET', url: `/v1/items/${qaView.item.id}`, headers: as(senior) });
      assert.equal(peek.statusCode, 409);
      assert.equal(peek.json().error.code, 'blind_review');
      assert.equal((await f.app.inject({ method: 'GET', url: `/v1/items/${qaView.item.id}`, headers: as(reviewer) })).statusCode, 200);
      const qaDone = await f.app.inject({ method: 'POST', url: `/v1/review/tasks/${qaView.task.id}/decision`, headers: as(senior), payload: { verdict: 'violating', category: 'CSE-13' } });
      assert.equal(qaDone.json().reviewDecision.agrees, true);
      assert.equal((await f.app.inject({ method: 'GET', url: `/v1/items/${qaView.item.id}`, headers: as(senior) })).statusCode, 200);

      const urgent = (await f.app.inject({ method: 'POST', url: '/v1/review/claim', headers: as(senior), payload: { queues: ['urgent'] } })).json().task;
      const pending = await f.app.inject({ method: 'POST', url: `/v1/review/tasks/${urgent.task.id}/decision`, headers: as(senior), payload: { verdict: 'violating', category: 'CSE-01' } });
      assert.equal(pending.json().secondReviewRequired, true);
      assert.equal(pending.json().decision, null);

      const mine = (await f.app.inject({ method: 'GET', url: '/v1/review/tasks?mine=true', headers: as(reviewer) })).json();
      assert.deepEqual(mine.tasks, []);
      assert.equal((await f.app.inject({ method: 'GET', url: '/v1/review/tasks', headers: as(reviewer) })).statusCode, 403);
      const bulk = await f.app.inject({ method: 'POST', url: '/v1/review/bulk', headers: as(reviewer), payload: { query: { queue: 'general' }, decision: { verdict: 'not_violating' } } });
      assert.equal(bulk.statusCode, 403);
      const emptyBulk = await f.app.inject({ method: 'POST', url: '/v1/review/bulk', headers: as(senior), payload: { query: {}, decision: { verdict: 'not_violating' } } });
      assert.equal(emptyBulk.statusCode, 400);
      const trail = (await f.app.inject({ method: 'GET', url: '/v1/review/tasks?queue=second-review', headers: as(senior) })).json();
      assert.equal(trail.tasks.length, 1);
      assert.equal(trail.tasks[0].kind, 'second_review');
    } finally {
      await f.close();
    }
  });
});
