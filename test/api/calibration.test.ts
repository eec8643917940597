import assert from 'node:assert/strict';
import { test } from 'node:test';
import { patternPng } from '../helpers/images.js';
import { forEachBackend } from '../helpers/stores.js';
import { apiFixture, PASSWORD } from './setup.js';

interface Reply {
  statusCode: number;
  body: string;
  json(): unknown;
}

const errorOf = (r: Reply) => [r.statusCode, (r.json() as { error: { code: string } }).error.code];
const messageOf = (r: Reply) => (r.json() as { error: { message: string } }).error.message;

interface Results {
  answerKey: Record<string, unknown> | null;
  reviewers: { reviewer: string; scored: number; verdictCorrect: number; exactCorrect: number; exactAccuracy: number | null }[];
  agreement: { verdict: { overall: number | null; kappa: { kappa: number | null; undefinedBecause: string | null } } };
  items: { itemId: string; answers: number; verdicts: Record<string, number> }[];
  mostDisagreement: string[];
}
interface View {
  session: { id: string; status: string; itemCount: number; participants: number; hasAnswerKey: boolean };
  items: { id: string; surface: string; textExcerpt: string | null; media: { id: string; previewUrl: string | null }[] }[];
  myAnswers: { itemId: string; reviewer: string; verdict: string; category: string | null }[];
  results: Results | null;
}

test('calibration over HTTP: blind while open, results after close, leads run it', async (t) => {
  await forEachBackend(t, async (backend) => {
    const f = await apiFixture(backend);
    try {
      await f.haven.auth.createUser({ email: 'ops_manager@test.local', name: 'ops', password: PASSWORD, roles: ['ops_manager'] }, 'test');
      await f.haven.auth.createUser({ email: 'reviewer2@test.local', name: 'second', password: PASSWORD, roles: ['reviewer'] }, 'test');
      const ingest = async (payload: Record<string, unknown>) =>
        ((await f.app.inject({ method: 'POST', url: '/v1/items', headers: f.auth(), payload })).json() as { itemId: string }).itemId;
      const textA = await ingest({ externalId: 'a', surface: 'public_post', author: { externalId: 'u1' }, text: 'see you at practice on tuesday' });
      const textB = await ingest({ externalId: 'b', surface: 'direct_message', author: { externalId: 'u2' }, text: 'the bus leaves at noon' });
      const image = await ingest({ externalId: 'c', surface: 'public_post', author: { externalId: 'u3' }, media: [{ data: (await patternPng(7)).toString('base64') }] });

      const sessions = new Map<string, { cookie: string; csrf: string }>();
      const as = async (role: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown): Promise<Reply> => {
        let s = sessions.get(role);
        if (!s) {
          s = await f.login(role);
          sessions.set(role, s);
        }
        return f.app.inject({ method, url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, ...(payload === undefined ? {} : { payload: payload as object }) });
      };

      // Only a lead starts a session, on items that exist.
      assert.equal((await as('reviewer', 'POST', '/v1/calibration/sessions', { name: 'week 1', itemIds: [textA] })).statusCode, 403);
      const unknown = await as('ops_manager', 'POST', '/v1/calibration/sessions', { name: 'week 1', itemIds: [textA, '01NOSUCHITEM'] });
      assert.deepEqual(errorOf(unknown), [400, 'unknown_items']);
      assert.match(messageOf(unknown), /01NOSUCHITEM/);
      assert.deepEqual(errorOf(await as('ops_manager', 'POST', '/v1/calibration/sessions', { name: 'week 1', itemIds: [] })), [400, 'invalid_request']);
      assert.deepEqual(errorOf(await as('ops_manager', 'POST', '/v1/calibration/sessions', { name: 'week 1', itemIds: [textA, textA] })), [400, 'duplicate_items']);
      const created = await as('ops_manager', 'POST', '/v1/calibration/sessions', { name: 'week 1', itemIds: [textA, textB, image] });
      assert.equal(created.statusCode, 201, created.body);
      const id = (created.json() as { session: { id: string } }).session.id;
      const base = `/v1/calibration/sessions/${id}`;

      // Answers are validated: a verdict, a category for violating and only then, a category the taxonomy knows.
      const bad = await as('reviewer', 'PUT', `${base}/answers/${textA}`, { verdict: 'escalate' });
      assert.equal(bad.statusCode, 400);
      assert.match(messageOf(bad), /body\.verdict: verdict must be one of violating, not_violating/);
      assert.match(messageOf(await as('reviewer', 'PUT', `${base}/answers/${textA}`, { verdict: 'violating' })), /body\.category: a violating verdict needs/);
      assert.deepEqual(errorOf(await as('reviewer', 'PUT', `${base}/answers/${textA}`, { verdict: 'violating', category: 'CSE-99' })), [400, 'unknown_category']);
      assert.deepEqual(errorOf(await as('reviewer', 'PUT', `${base}/answers/01NOSUCHITEM`, { verdict: 'not_violating' })), [404, 'item_not_in_session']);
      assert.deepEqual(errorOf(await as('reviewer', 'PUT', `/v1/calibration/sessions/01NOSUCH/answers/${textA}`, { verdict: 'not_violating' })), [404, 'not_found']);
      assert.equal((await as('ops_manager', 'PUT', `${base}/answers/${textA}`, { verdict: 'not_violating' })).statusCode, 403, 'a lead without review:decide does not answer');

      const answer = async (role: string, itemId: string, label: Record<string, unknown>) => {
        const r = await as(role, 'PUT', `${base}/answers/${itemId}`, label);
        assert.equal(r.statusCode, 200, r.body);
      };
      await answer('reviewer', textA, { verdict: 'not_violating' });
      await answer('reviewer', textA, { verdict: 'violating', category: 'CSE-05' }); // changed their mind: replaces
      await answer('reviewer', textB, { verdict: 'not_violating' });
      await answer('reviewer2', textA, { verdict: 'not_violating' });
      await answer('reviewer2', textB, { verdict: 'not_violating' });
      await answer('reviewer2', image, { verdict: 'not_violating' });

      // Blind while open: a reviewer sees the items and their own answers, nothing of anyone else's.
      const blind = await as('reviewer', 'GET', base);
      assert.equal(blind.statusCode, 200, blind.body);
      const view = blind.json() as View;
      assert.equal(view.results, null);
      assert.deepEqual(view.myAnswers.map((a) => [a.itemId, a.reviewer, a.verdict, a.category]), [
        [textA, 'user:reviewer@test.local', 'violating', 'CSE-05'], [textB, 'user:reviewer@test.local', 'not_violating', null],
      ].sort((x, y) => ((x[0] as string) < (y[0] as string) ? -1 : 1)));
      assert.doesNotMatch(blind.body, /reviewer2@/);
      assert.deepEqual(view.items.map((i) => i.id), [textA, textB, image]);
      assert.equal(view.items[0]?.textExcerpt, 'see you at practice on tuesday');
      const media = view.items[2]?.media[0];
      assert.equal(media?.previewUrl, `/v1/media/${media?.id}/preview`);
      assert.equal((await f.app.inject({ method: 'GET', url: media?.previewUrl ?? '', headers: { cookie: (await f.login('reviewer')).cookie } })).headers['content-type'], 'image/webp');

      // A lead sees results while the session runs.
      const live = (await as('ops_manager', 'GET', base)).json() as View;
      assert.deepEqual(live.results?.reviewers.map((r) => r.reviewer), ['user:reviewer2@test.local', 'user:reviewer@test.local']);
      assert.equal(live.session.participants, 2);

      // The answer key: leads only, items of the session only.
      const key = { [textA]: { verdict: 'violating', category: 'CSE-05' }, [textB]: { verdict: 'not_violating' }, [image]: { verdict: 'not_violating' } };
      assert.equal((await as('reviewer', 'PUT', `${base}/answer-key`, { answers: key })).statusCode, 403);
      assert.deepEqual(errorOf(await as('senior_reviewer', 'PUT', `${base}/answer-key`, { answers: { '01OTHER': { verdict: 'not_violating' } } })), [400, 'unknown_items']);
      assert.match(messageOf(await as('senior_reviewer', 'PUT', `${base}/answer-key`, { answers: { [textA]: { verdict: 'violating' } } })), /needs its taxonomy category/);
      const keyed = await as('senior_reviewer', 'PUT', `${base}/answer-key`, { answers: key });
      assert.equal(keyed.statusCode, 200, keyed.body);

      assert.equal((await as('reviewer', 'POST', `${base}/close`)).statusCode, 403);
      const closed = await as('ops_manager', 'POST', `${base}/close`);
      assert.equal(closed.statusCode, 200, closed.body);
      assert.equal((closed.json() as { status: string }).status, 'closed');
      assert.deepEqual(errorOf(await as('ops_manager', 'POST', `${base}/close`)), [409, 'session_closed']);
      assert.deepEqual(errorOf(await as('reviewer2', 'PUT', `${base}/answers/${textA}`, { verdict: 'violating', category: 'CSE-05' })), [409, 'session_closed']);

      // After close a reviewer sees the key, the group's agreement and their own accuracy (not their colleague's).
      const after = (await as('reviewer', 'GET', base)).json() as View;
      const results = after.results as Results;
      assert.equal(after.session.status, 'closed');
      assert.deepEqual(results.answerKey?.[textA], { verdict: 'violating', category: 'CSE-05' });
      assert.deepEqual(results.reviewers.map((r) => [r.reviewer, r.scored, r.exactCorrect, r.exactAccuracy]), [['user:reviewer@test.local', 2, 2, 1]]);
      // Verdict pairs on items both answered: textA disagree, textB agree -> 1/2. Kappa: textA (1,1), textB (0,2):
      // P̄ = (0 + 1)/2 = 1/2, p_V = 1/4, p_N = 3/4, P_e = 10/16, kappa = (1/2 - 5/8)/(3/8) = -1/3.
      assert.equal(results.agreement.verdict.overall, 0.5);
      assert.ok(Math.abs((results.agreement.verdict.kappa.kappa as number) + 1 / 3) < 1e-9);
      assert.deepEqual(results.mostDisagreement, [textA]);
      assert.deepEqual(results.items.find((i) => i.itemId === image)?.verdicts, { violating: 0, not_violating: 1 });
      const lead = (await as('senior_reviewer', 'GET', base)).json() as View;
      assert.deepEqual(lead.results?.reviewers.map((r) => [r.reviewer, r.exactCorrect, r.scored]), [
        ['user:reviewer2@test.local', 2, 3], ['user:reviewer@test.local', 2, 2],
      ]);

      // Listing: for those who answer or lead; not for others.
      const list = await as('reviewer', 'GET', '/v1/calibration/sessions?status=closed');
      assert.deepEqual((list.json() as { sessions: { id: string; hasAnswerKey: boolean; itemCount: number }[] }).sessions.map((s) => [s.id, s.hasAnswerKey, s.itemCount]), [[id, true, 3]]);
      assert.deepEqual((await as('reviewer', 'GET', '/v1/calibration/sessions?status=open')).json(), { sessions: [], nextCursor: null });
      assert.equal((await as('ops_manager', 'GET', '/v1/calibration/sessions')).statusCode, 200);
      assert.equal((await as('analyst', 'GET', '/v1/calibration/sessions')).statusCode, 403);
      assert.equal((await as('analyst', 'GET', base)).statusCode, 403);
      assert.deepEqual(errorOf(await as('reviewer', 'GET', '/v1/calibration/sessions/01NOSUCH')), [404, 'not_found']);

      // Creating, keying and closing are on the audit chain.
      const audited = await f.haven.store.db.selectFrom('audit_log').select(['action', 'actor']).where('target_id', '=', id).orderBy('seq').execute();
      assert.deepEqual(audited.map((a) => [a.action, a.actor]), [
        ['calibration.create', 'user:ops_manager@test.local'], ['calibration.answer_key', 'user:senior_reviewer@test.local'], ['calibration.close', 'user:ops_manager@test.local'],
      ]);
      assert.ok(((await f.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> }).paths['/v1/calibration/sessions/{id}/answer-key']);
    } finally {
      await f.close();
    }
  });
});
