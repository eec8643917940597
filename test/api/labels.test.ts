import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachBackend } from '../helpers/stores.js';
import { apiFixture, PASSWORD } from './setup.js';

interface Answer {
  statusCode: number;
  body: string;
  json(): unknown;
}
const errorOf = (r: Answer) => {
  const e = (r.json() as { error?: { code: string; message: string } }).error;
  return [r.statusCode, e?.code, e?.message];
};

test('labels and rule snoozes over HTTP: who may do what, 400s that name the field, audit and events', async (t) => {
  await forEachBackend(t, async (backend) => {
    const f = await apiFixture(backend);
    try {
      await f.haven.auth.createUser({ email: 'investigator@test.local', name: 'i', password: PASSWORD, roles: ['investigator'] }, 'test');
      const ingest = await f.app.inject({
        method: 'POST', url: '/v1/items', headers: f.auth(),
        payload: { externalId: 'p1', surface: 'comment', author: { externalId: 'acct-ext-1' }, conversationId: 'conv-a', text: 'see you at practice' },
      });
      assert.equal(ingest.statusCode, 202, ingest.body);
      await f.drain();

      const as = async (role: string) => {
        const s = await f.login(role);
        return (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
          f.app.inject({ method, url, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf }, ...(payload === undefined ? {} : { payload: payload as object }) });
      };
      const investigator = await as('investigator');
      const reviewer = await as('reviewer');
      const analyst = await as('analyst');

      const evader = { entityType: 'account', entityId: 'acct-ext-1', label: 'known_evader', reason: 'returned after a ban (esc 4)' };
      assert.equal((await reviewer('POST', '/v1/labels', evader)).statusCode, 403, 'reviewers do not put labels');
      assert.equal((await f.app.inject({ method: 'POST', url: '/v1/labels', headers: f.auth(), payload: evader })).statusCode, 403, 'nor does the platform key');

      // 400s name the field at fault.
      const bad = async (payload: unknown, pattern: RegExp, url = '/v1/labels') => {
        const [status, code, message] = errorOf(await investigator('POST', url, payload));
        assert.deepEqual([status, code], [400, 'invalid_request'], String(message));
        assert.match(String(message), pattern);
      };
      await bad({ ...evader, reason: '' }, /body\.reason: give the reason/);
      await bad({ ...evader, label: 'suspicious' }, /body\.label: label must be one of known_evader, repeat_offender, watchlist, trusted_reporter/);
      await bad({ ...evader, entityType: 'conversation', entityId: 'conv-a' }, /body\.entityType: label known_evader goes on account or device/);
      await bad({ ...evader, entityId: 'nobody' }, /body\.entityId: no account with id or external id nobody/);
      await bad({ ...evader, entityType: 'device', entityId: 'd1', expiresAt: '2001-01-01T00:00:00Z' }, /body\.expiresAt: expiresAt is in the past/);
      await bad({ ...evader, escalationId: 'ESC_NONE' }, /body\.escalationId: escalation ESC_NONE not found/);
      await bad({ entityType: 'conversation', entityId: 'conv-unknown', label: 'watchlist', reason: 'r' }, /body\.entityId: no item in Haven belongs to conversation conv-unknown/);

      const created = await investigator('POST', '/v1/labels', evader);
      assert.equal(created.statusCode, 201, created.body);
      const label = (created.json() as { label: { id: string; entityId: string; active: boolean; createdBy: string; effect: string } }).label;
      assert.notEqual(label.entityId, 'acct-ext-1', 'stored under the Haven account id');
      assert.deepEqual([label.active, label.createdBy], [true, 'user:investigator@test.local']);
      assert.match(label.effect, /raises risk/);
      assert.deepEqual(errorOf(await investigator('POST', '/v1/labels', evader)).slice(0, 2), [409, 'label_exists']);

      // Reviewers and analysts (items:read) see labels: the same reason shows in the signals labels raise on items.
      const listed = await analyst('GET', '/v1/labels?entityType=account&entityId=acct-ext-1');
      assert.equal(listed.statusCode, 200, listed.body);
      assert.deepEqual((listed.json() as { labels: { id: string }[] }).labels.map((l) => l.id), [label.id]);
      assert.match(String(errorOf(await analyst('GET', '/v1/labels?entityType=account'))[2]), /query\.entityId: give entityType and entityId together/);
      assert.deepEqual(errorOf(await analyst('GET', '/v1/labels?entityType=account&entityId=ghost')).slice(0, 2), [404, 'not_found']);

      // Rule snoozes: investigators only, against the deployed rules.
      const rules = (await f.haven.configs.latest<{ rules: { rules: { id: string }[] } }>('rules'))!;
      const ruleId = rules.document.rules.rules[0]!.id;
      const snoozeBody = { ruleId, entityType: 'account', entityId: 'acct-ext-1', reason: 'false positives on this account' };
      assert.equal((await reviewer('POST', '/v1/rule-snoozes', snoozeBody)).statusCode, 403);
      await bad({ ...snoozeBody, ruleId: 'no-such-rule' }, new RegExp(`body\\.ruleId: rule no-such-rule is not in the deployed rules \\(v${rules.version}\\)`), '/v1/rule-snoozes');
      await bad({ ...snoozeBody, entityType: 'device' }, /body\.entityType: entityType must be one of account, conversation/, '/v1/rule-snoozes');
      const snoozed = await investigator('POST', '/v1/rule-snoozes', snoozeBody);
      assert.equal(snoozed.statusCode, 201, snoozed.body);
      const snooze = (snoozed.json() as { snooze: { id: string; expiresAt: string; active: boolean } }).snooze;
      assert.equal(snooze.active, true);
      assert.ok(Date.parse(snooze.expiresAt) > Date.now() + 29 * 86_400_000, 'ends by itself after 30 days');
      assert.equal((await reviewer('GET', '/v1/rule-snoozes')).statusCode, 403, 'snoozes are for investigators');
      const snoozes = (await investigator('GET', `/v1/rule-snoozes?ruleId=${ruleId}`)).json() as { snoozes: { id: string }[] };
      assert.deepEqual(snoozes.snoozes.map((s) => s.id), [snooze.id]);

      // Removal needs a reason, happens once, and keeps the history.
      assert.match(String(errorOf(await investigator('DELETE', `/v1/labels/${label.id}`, {}))[2]), /body\.reason/);
      assert.equal((await reviewer('DELETE', `/v1/labels/${label.id}`, { reason: 'x' })).statusCode, 403);
      const removed = await investigator('DELETE', `/v1/labels/${label.id}`, { reason: 'identity confirmed as a different person' });
      assert.equal(removed.statusCode, 200, removed.body);
      assert.equal((removed.json() as { label: { active: boolean } }).label.active, false);
      assert.deepEqual(errorOf(await investigator('DELETE', `/v1/labels/${label.id}`, { reason: 'again' })).slice(0, 2), [409, 'already_removed']);
      assert.deepEqual(errorOf(await investigator('DELETE', '/v1/labels/NOPE', { reason: 'x' })).slice(0, 2), [404, 'not_found']);
      const active = (await analyst('GET', '/v1/labels?entityType=account&entityId=acct-ext-1')).json() as { labels: unknown[] };
      assert.deepEqual(active.labels, []);
      const history = (await analyst('GET', '/v1/labels?entityType=account&entityId=acct-ext-1&active=false')).json() as { labels: { removedBy: string }[] };
      assert.deepEqual(history.labels.map((l) => l.removedBy), ['user:investigator@test.local']);
      assert.equal((await investigator('DELETE', `/v1/rule-snoozes/${snooze.id}`, { reason: 'done' })).statusCode, 200);

      const audit = await f.haven.store.db.selectFrom('audit_log').select(['action', 'actor', 'target_id']).where('action', 'in', ['label.add', 'label.remove', 'rule_snooze.add', 'rule_snooze.remove']).orderBy('seq').execute();
      assert.deepEqual(audit.map((a) => [a.action, a.actor, a.target_id]), [
        ['label.add', 'user:investigator@test.local', label.id], ['rule_snooze.add', 'user:investigator@test.local', snooze.id],
        ['label.remove', 'user:investigator@test.local', label.id], ['rule_snooze.remove', 'user:investigator@test.local', snooze.id],
      ]);
      const events = await f.haven.store.db.selectFrom('events').select(['type', 'account_id']).where('type', 'in', ['label_added', 'label_removed', 'rule_snoozed', 'rule_snooze_removed']).orderBy('id').execute();
      assert.deepEqual(events.map((e) => [e.type, e.account_id]), [
        ['label_added', label.entityId], ['rule_snoozed', label.entityId], ['label_removed', label.entityId], ['rule_snooze_removed', label.entityId],
      ], 'on the account, so its trace shows them');
    } finally {
      await f.close();
    }
  });
});
