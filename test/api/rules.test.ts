import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RULES_SOURCE } from '../../src/detectors/text/rules/default-rules.js';
import { makeBackend } from '../helpers/stores.js';
import { apiFixture } from './setup.js';

const RULES = JSON.stringify({
  formatVersion: 1,
  lists: { apps: ['add me on', 'talk on another app'] },
  rules: [
    { id: 'app', description: 'asks to move apps', category: 'CSE-13', weight: 0.25, indicator: 'platform_move', match: { terms: 'apps' } },
    { id: 'age', description: 'asks the age', category: 'CSE-13', weight: 0.2, indicator: 'age_probing', match: { regex: 'how old (are|r) (you|u)' } },
  ],
}, null, 2);

test('text rules over the API: test on samples and the demo, deploy with a reason, read back, refuse bad files', { timeout: 120_000 }, async (t) => {
  const backend = await makeBackend('sqlite');
  const f = await apiFixture(backend);
  t.after(async () => {
    await f.close();
    await backend.cleanup();
  });
  const policy = await f.login('policy');
  const asPolicy = { cookie: policy.cookie, 'x-csrf-token': policy.csrf };

  await t.test('POST /v1/rules/test returns each hit with evidence in original offsets', async () => {
    const res = await f.app.inject({
      method: 'POST', url: '/v1/rules/test', headers: asPolicy,
      payload: { source: RULES, format: 'json', samples: [{ text: 'How old r u? add me on Pixelchat' }, { text: 'nice goal' }] },
    });
    assert.equal(res.statusCode, 200, res.body);
    const report = res.json();
    assert.equal(report.samples, 2);
    assert.equal(report.matchedSamples, 1);
    assert.equal(report.results[0].highlighted, '[[How old r u]]? [[add me on]] Pixelchat');
    assert.deepEqual(report.results[0].hits.map((h: { ruleId: string }) => h.ruleId), ['app', 'age']);
    assert.deepEqual(report.results[0].hits[0].spans, [{ start: 13, end: 22, text: 'add me on' }]);
    assert.deepEqual(report.byRule, [{ ruleId: 'app', category: 'CSE-13', samples: 1 }, { ruleId: 'age', category: 'CSE-13', samples: 1 }]);
  });

  await t.test('on: demo runs the rules over the demo world', async () => {
    const res = await f.app.inject({
      method: 'POST', url: '/v1/rules/test', headers: asPolicy, payload: { source: DEFAULT_RULES_SOURCE, on: 'demo', accounts: 20 },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.ok(res.json().matchedSamples > 0);
  });

  await t.test('an invalid rule file is a 400 naming the line and the reason', async () => {
    const bad = RULES.replace('"CSE-13"', '"CSE-99"');
    const line = bad.split('\n').findIndex((l) => l.includes('CSE-99')) + 1;
    const attempts = [
      { url: '/v1/rules/test', payload: { source: bad, format: 'json', samples: [{ text: 'x' }] } },
      { url: '/v1/rules', payload: { source: bad, format: 'json', reason: 'try it' } },
    ];
    for (const { url, payload } of attempts) {
      const res = await f.app.inject({ method: 'POST', url, headers: asPolicy, payload });
      assert.equal(res.statusCode, 400, res.body);
      const error = res.json().error;
      assert.equal(error.code, 'invalid_rules');
      assert.equal(error.message, `line ${line}: rules[0].category: unknown category 'CSE-99'`);
      assert.deepEqual(error.issues, [{ line, path: 'rules[0].category', message: "unknown category 'CSE-99'" }]);
    }
  });

  await t.test('only policy:write may test or deploy; reading needs taxonomy:read', async () => {
    const reviewer = await f.login('reviewer');
    const res = await f.app.inject({
      method: 'POST', url: '/v1/rules', headers: { cookie: reviewer.cookie, 'x-csrf-token': reviewer.csrf },
      payload: { source: RULES, format: 'json', reason: 'not mine to change' },
    });
    assert.equal(res.statusCode, 403);
    const read = await f.app.inject({ method: 'GET', url: '/v1/rules', headers: { cookie: reviewer.cookie } });
    assert.equal(read.statusCode, 200);
    assert.equal(read.json().version, 1, 'the built-in defaults, seeded as version 1');
    assert.equal(read.json().source, DEFAULT_RULES_SOURCE);
  });

  await t.test('POST /v1/rules deploys an audited version that GET /v1/rules returns with its source', async () => {
    const res = await f.app.inject({
      method: 'POST', url: '/v1/rules', headers: asPolicy, payload: { source: RULES, format: 'json', reason: 'platform-move rules' },
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().version, 2);
    const current = (await f.app.inject({ method: 'GET', url: '/v1/rules', headers: asPolicy })).json();
    assert.equal(current.version, 2);
    assert.equal(current.source, RULES);
    assert.equal(current.format, 'json');
    assert.equal(current.author, 'user:policy@test.local');
    assert.equal(current.rules.rules.length, 2);
    const versions = (await f.app.inject({ method: 'GET', url: '/v1/rules/versions', headers: asPolicy })).json().versions;
    assert.deepEqual(versions.map((v: { version: number; reason: string }) => [v.version, v.reason]), [[2, 'platform-move rules'], [1, 'initial version']]);
    const audit = await f.haven.store.db.selectFrom('audit_log').select(['action', 'target_id']).where('action', '=', 'config.rules.deploy').execute();
    assert.deepEqual(audit, [{ action: 'config.rules.deploy', target_id: 'rules@2' }]);
  });
});
