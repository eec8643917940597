import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AccountId, ItemId } from '../../../src/core/ids.js';
import type { Item } from '../../../src/core/types.js';
import { DbLlmCache } from '../../../src/detectors/llm/cache.js';
import { LlmClassifier } from '../../../src/detectors/llm/classifier.js';
import { LlmDetector } from '../../../src/detectors/llm/detector.js';
import { DEFAULT_LLM_POLICY, StructuredTemplate } from '../../../src/detectors/llm/policy/index.js';
import { OpenAiCompatibleProvider } from '../../../src/detectors/llm/providers/openai.js';
import { ManualClock } from '../../../src/detectors/llm/resilience/clock.js';
import { ResilientProvider } from '../../../src/detectors/llm/resilience/resilient-provider.js';
import { migrate, openStore } from '../../../src/store/db.js';
import { dbSpendLedger, llmSpendOn } from '../../../src/store/repos/llm.js';
import { reply, startLlmServer } from '../../helpers/llm-server.js';
import { forEachBackend } from '../../helpers/stores.js';

const verdict = { violates: true, category: 'CSE-05', severity: 'S1', confidence: 0.9, rationale: 'asks a minor for secrecy', evidence: ['between us'] };
const item = (id: string, text: string): Item => ({
  id: id as ItemId, externalId: id, contentDigest: id, surface: 'direct_message', kind: 'text', text, media: [], authorId: 'a1' as AccountId,
  conversationId: null, recipientIds: ['a2' as AccountId], createdAt: 0, ingestedAt: 0, metadata: {}, status: 'pending',
});
const input = (i: Item) => ({
  item: i, author: { id: 'a1' as AccountId, externalId: 'a1', ageBand: 'adult' as const, createdAt: 0, flags: [] },
  recipients: [{ id: 'a2' as AccountId, externalId: 'a2', ageBand: '13_15' as const, createdAt: 0, flags: [] }],
});

test('end to end over HTTP: repair, verdict, the database cache and spend, then the budget sends items to review', async (t) => {
  await forEachBackend(t, async (b) => {
    const server = await startLlmServer([reply.text('The item looks concerning.', { inputTokens: 1000, outputTokens: 100 }), reply.json(verdict, { inputTokens: 1000, outputTokens: 100 })]);
    const store = openStore(b.config);
    try {
      await migrate(store);
      const clock = new ManualClock(Date.UTC(2026, 2, 1, 12));
      const http = new OpenAiCompatibleProvider({
        baseUrl: server.url, model: 'test-model', apiKey: null, jsonMode: true, prices: { inputPerMTok: 1, outputPerMTok: 10 },
      });
      // Each call costs $0.002 at these prices: the ask and its repair take the day past the $0.003 cap.
      const provider = new ResilientProvider(http, { timeoutMs: 5000, dailyBudgetUsd: 0.003, ledger: dbSpendLedger(store.db), clock });
      const classifier = new LlmClassifier({
        provider, template: new StructuredTemplate(), policy: DEFAULT_LLM_POLICY, policyVersion: 1, cache: new DbLlmCache(store.db, () => clock.now()),
      });
      const detector = new LlmDetector(classifier);

      const first = await detector.detect(input(item('i1', 'can you keep this between us')));
      assert.deepEqual(first.signals.map((s) => [s.category, s.score]), [['CSE-05', 0.9]]);
      assert.equal(server.requests.length, 2);
      const [ask, repair] = server.requests;
      assert.equal(ask!.system, classifier.request({ text: 'can you keep this between us', images: [], surface: 'direct_message' }, {
        authorBand: 'adult', recipientBands: ['13_15'], previous: [],
      }).system);
      assert.equal(ask!.jsonMode, true);
      assert.match(ask!.userText, /<<<ITEM [0-9a-f]{12}>>>\ncan you keep this between us\n<<<END ITEM/);
      assert.match(repair!.userText, /<<<PREVIOUS ANSWER>>>\nThe item looks concerning\.\n<<<END PREVIOUS ANSWER>>>/);
      const calls = first.signals[0]!.evidence.calls as { attempt: number; outcome: string; inputTokens: number; costUsd: number }[];
      assert.deepEqual(calls.map((c) => [c.attempt, c.outcome]), [[1, 'malformed'], [2, 'ok']]);
      assert.equal(calls[1]!.inputTokens, 1000);
      assert.ok(Math.abs(calls[1]!.costUsd - 0.002) < 1e-12);

      // The same item again: answered from the database cache, no request, no spend.
      const again = await detector.detect(input(item('i1b', 'can you keep this between us')));
      assert.equal(again.details?.cached, true);
      assert.equal(server.requests.length, 2);

      // Spend so far is past the cap (the ledger is the llm_spend table), so a new item goes to review unasked.
      const spend = await llmSpendOn(store.db, '2026-03-01');
      assert.equal(spend.calls, 2);
      assert.ok(Math.abs(spend.usd - 0.004) < 1e-12);
      const capped = await detector.detect(input(item('i2', 'see you at practice')));
      assert.equal(server.requests.length, 2);
      assert.deepEqual(capped.signals.map((s) => [s.category, s.evidence.summary]), [['CSE-90', 'LLM verdict unavailable (budget_exhausted): sent to review']]);
    } finally {
      await store.close();
      await server.close();
    }
  });
});
