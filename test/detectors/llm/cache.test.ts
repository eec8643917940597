import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cacheKeyString, DbLlmCache, MemoryLlmCache } from '../../../src/detectors/llm/cache.js';
import { LlmClassifier } from '../../../src/detectors/llm/classifier.js';
import { DEFAULT_LLM_POLICY, type LlmVerdict, StructuredTemplate } from '../../../src/detectors/llm/policy/index.js';
import { migrate, openStore } from '../../../src/store/db.js';
import { addLlmSpend, dbSpendLedger, llmSpendOn, pruneLlmCache } from '../../../src/store/repos/llm.js';
import { forEachBackend } from '../../helpers/stores.js';
import { ScriptedProvider } from './fake-provider.js';

const verdict: LlmVerdict = { violates: true, category: 'CSE-05', severity: 'S1', confidence: 0.9, rationale: 'asks a minor for secrecy', evidence: ['between us'] };
const key = (digest: string, promptVersion = 'haven-structured@1+policy v1', model = 'm') => ({ digest, promptVersion, model });

test('cache keys are fixed-length and differ by each part', () => {
  const k = cacheKeyString(key('d'));
  assert.match(k, /^[0-9a-f]{64}$/);
  assert.notEqual(cacheKeyString(key('d', 'p2')), k);
  assert.notEqual(cacheKeyString(key('d', undefined, 'm2')), k);
  assert.notEqual(cacheKeyString(key('e')), k);
});

test('the in-memory cache evicts the least recently used entry and hands out copies', async () => {
  const cache = new MemoryLlmCache(2);
  await cache.set(key('a'), verdict);
  await cache.set(key('b'), verdict);
  assert.ok(await cache.get(key('a')));
  await cache.set(key('c'), verdict);
  assert.equal(await cache.get(key('b')), null);
  assert.ok(await cache.get(key('a')));
  assert.ok(await cache.get(key('c')));
  (await cache.get(key('a')))!.evidence.push('changed');
  assert.deepEqual(await cache.get(key('a')), verdict);
  assert.throws(() => new MemoryLlmCache(0), /capacity/);
});

test('the database cache and the spend ledger', async (t) => {
  await forEachBackend(t, async (b) => {
    const store = openStore(b.config);
    try {
      await migrate(store);
      const db = store.db;
      let now = 1_000;
      const cache = new DbLlmCache(db, () => now);

      assert.equal(await cache.get(key('a')), null);
      await cache.set(key('a'), verdict);
      assert.deepEqual(await cache.get(key('a')), verdict);
      assert.deepEqual(await cache.get(key('a')), verdict);
      assert.equal(await cache.get(key('a', 'haven-structured@1+policy v2')), null);
      assert.equal(await cache.get(key('a', undefined, 'other-model')), null);
      const row = await db.selectFrom('llm_cache').selectAll().where('key', '=', cacheKeyString(key('a'))).executeTakeFirstOrThrow();
      assert.deepEqual([Number(row.hits), Number(row.created_at)], [2, 1_000]);
      // Setting again replaces the verdict (same question, fresh answer).
      now = 2_000;
      await cache.set(key('a'), { ...verdict, confidence: 0.7 });
      assert.equal((await cache.get(key('a')))!.confidence, 0.7);
      await cache.set(key('b'), verdict);
      now = 3_000;
      await cache.set(key('c'), verdict);
      assert.equal(await pruneLlmCache(db, 3_000), 2);
      assert.equal(await cache.get(key('a')), null);
      assert.ok(await cache.get(key('c')));

      // A classifier backed by the table asks once.
      const provider = new ScriptedProvider([JSON.stringify(verdict)]);
      const classifier = new LlmClassifier({ provider, template: new StructuredTemplate(), policy: DEFAULT_LLM_POLICY, policyVersion: 1, cache });
      const item = { text: 'can you keep this between us', images: [], surface: 'direct_message' };
      const context = { authorBand: 'adult' as const, recipientBands: ['13_15' as const], previous: [] };
      assert.equal((await classifier.classify(item, context)).cached, false);
      const hit = await classifier.classify(item, context);
      assert.deepEqual([hit.status, hit.cached], ['classified', true]);
      assert.equal(provider.requests.length, 1);

      // Spend per day: summed exactly enough for a budget, calls counted, days apart.
      const ledger = dbSpendLedger(db);
      assert.equal(await ledger.spentUsd('2026-03-01'), 0);
      await ledger.record('2026-03-01', 0.0015);
      await ledger.record('2026-03-01', 0.25);
      await Promise.all([ledger.record('2026-03-01', 0.1), ledger.record('2026-03-01', 0.1)]);
      await ledger.record('2026-03-02', 1);
      assert.ok(Math.abs((await ledger.spentUsd('2026-03-01')) - 0.4515) < 1e-12);
      assert.deepEqual(await llmSpendOn(db, '2026-03-02'), { day: '2026-03-02', usd: 1, calls: 1 });
      assert.equal((await llmSpendOn(db, '2026-03-01')).calls, 4);
      await assert.rejects(addLlmSpend(db, '2026-03-01', -1), /non-negative/);
      await assert.rejects(addLlmSpend(db, '2026-03-01', Number.NaN), /non-negative/);
    } finally {
      await store.close();
    }
  });
});
