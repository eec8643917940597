import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_POLICY, type PolicyContext } from '../../../src/core/policy.js';
import { DEFAULT_TAXONOMY } from '../../../src/core/taxonomy-default.js';
import type { Item, Signal } from '../../../src/core/types.js';
import type { Detector, SignalDraft } from '../../../src/detectors/types.js';
import { cascadeConfigSchema, DEFAULT_CASCADE_CONFIG } from '../../../src/pipeline/cascade/config.js';
import { planLlm } from '../../../src/pipeline/cascade/plan.js';
import { evaluateItem } from '../../../src/pipeline/evaluate.js';

const policy: PolicyContext = { policy: DEFAULT_POLICY, policyVersion: 1, taxonomy: DEFAULT_TAXONOMY, taxonomyVersion: 1 };

function item(surface = 'direct_message', text = 'hello'): Item {
  return {
    id: 'item_1' as Item['id'], externalId: 'x1', contentDigest: 'd', surface, kind: 'text', text, media: [], authorId: null,
    conversationId: null, recipientIds: [], createdAt: 1, ingestedAt: 1, metadata: {}, status: 'pending',
  };
}

function signal(category: string, score: number, evidence: Record<string, unknown> = {}): Signal {
  return {
    id: `sig_${category}_${score}` as Signal['id'], itemId: 'item_1' as Signal['itemId'], detector: 'text.rules', detectorVersion: '1',
    category, score, evidence: { summary: 'test', ...evidence }, createdAt: 1,
  };
}

test('the LLM is asked only inside the uncertain band', () => {
  const cfg = DEFAULT_CASCADE_CONFIG;
  assert.equal(planLlm([signal('CSE-13', 0.29)], item(), cfg, policy, true).ask, false);
  assert.equal(planLlm([signal('CSE-13', 0.3)], item(), cfg, policy, true).ask, true);
  assert.equal(planLlm([signal('CSE-13', 0.89)], item(), cfg, policy, true).ask, true);
  assert.equal(planLlm([signal('CSE-13', 0.9)], item(), cfg, policy, true).ask, false);
  const none = planLlm([], item(), cfg, policy, true);
  assert.equal(none.ask, false);
  assert.deepEqual(none.reasons, ['no cheap signal: not asked']);
  assert.match(planLlm([signal('CSE-13', 0.5)], item(), cfg, policy, true).reasons[0]!, /CSE-13 0\.50 in the uncertain band \[0\.3, 0\.9\)/);
  // Informational signals (near misses, shadow verdicts) never start a call.
  assert.equal(planLlm([signal('CSE-13', 0.5, { informational: true })], item(), cfg, policy, true).ask, false);
});

test('never, always surfaces, confirm, unmatched media and a missing provider', () => {
  const cfg = cascadeConfigSchema.parse({
    categories: { 'CSE-01': { mode: 'never' }, 'CSE-05': { mode: 'confirm' }, 'CSE-13': { mode: 'always', surfaces: ['comment'] } },
    alwaysSurfaces: ['genai_prompt'], unmatchedMedia: true,
  });
  assert.equal(planLlm([signal('CSE-01', 0.5)], item(), cfg, policy, true).ask, false);
  assert.equal(planLlm([], item('genai_prompt'), cfg, policy, true).ask, true);
  assert.equal(planLlm([signal('CSE-13', 0.1)], item('comment'), cfg, policy, true).ask, true);
  assert.equal(planLlm([signal('CSE-13', 0.1)], item('public_post'), cfg, policy, true).ask, false);
  const confirm = planLlm([signal('CSE-05', 0.95)], item(), cfg, policy, true);
  assert.deepEqual([confirm.ask, confirm.confirm], [true, ['CSE-05']]);
  assert.equal(planLlm([signal('CSE-05', 0.5)], item(), cfg, policy, true).ask, false);
  const image = { ...item(), kind: 'image' as const, text: null, media: [{ mime: 'image/png' } as Item['media'][number]] };
  assert.equal(planLlm([], image, cfg, policy, true).ask, true);
  assert.deepEqual(planLlm([signal('CSE-13', 0.5)], item(), cfg, policy, false), {
    ask: false, reasons: ['no LLM provider is configured'], confirm: [], shadow: false,
  });
  assert.throws(() => cascadeConfigSchema.parse({ default: { mode: 'uncertain', band: { min: 0.8, max: 0.2 } } }), /band\.min/);
});

/** A cascade-stage detector of our own interface, answering as told and counting its calls. */
function llmStub(answer: SignalDraft[]): Detector & { calls: number } {
  return {
    id: 'llm.policy', inputs: ['text'], cost: 1000, stage: 'cascade', calls: 0,
    versions: () => ({ 'llm.policy': '1', prompt: 'test@1' }),
    detect() {
      this.calls++;
      return answer;
    },
  };
}

function cheap(score: number, category = 'CSE-13'): Detector {
  return {
    id: 'text.rules', inputs: ['text'], cost: 2, versions: () => ({ 'text.rules': '1' }),
    detect: () => [{ category, score, evidence: { summary: 'cheap' } }],
  };
}

let n = 0;
const deps = (detectors: Detector[], config = DEFAULT_CASCADE_CONFIG) => ({
  detectors, policy, newId: () => `id_${++n}`, now: 1, cascade: { config, version: 3 },
});
const input = { item: item(), author: null, recipients: [] };

test('evaluateItem asks the LLM in the band, records why, and shadow mode acts on nothing', async () => {
  const llm = llmStub([{ category: 'CSE-13', score: 0.97, evidence: { summary: 'llm says yes' } }]);
  const low = await evaluateItem(input, deps([cheap(0.1), llm]));
  assert.equal(llm.calls, 0);
  const planned = low.events.find((e) => e.type === 'cascade_planned')!;
  assert.equal(planned.payload.ask, false);
  assert.equal(planned.versions.cascade, 3);

  const mid = await evaluateItem(input, deps([cheap(0.5), llm]));
  assert.equal(llm.calls, 1);
  assert.equal(mid.decision.verdict, 'violating');
  assert.ok(mid.decision.actions.length > 0);

  const shadow = await evaluateItem(input, deps([cheap(0.5), llm], { ...DEFAULT_CASCADE_CONFIG, shadow: true }));
  assert.equal(llm.calls, 2);
  const recorded = shadow.signals.find((s) => s.detector === 'llm.policy')!;
  assert.equal(recorded.evidence.shadow, true);
  // Only the cheap signal decides: review at most, never the LLM's 0.97.
  assert.equal(shadow.decision.verdict, 'needs_review');
  assert.ok(shadow.decision.reasons.every((r) => r.detector !== 'llm.policy'));
});

test('in confirm mode an automatic action waits for the LLM to agree', async () => {
  const cfg = cascadeConfigSchema.parse({ default: { mode: 'confirm' } });
  const agrees = await evaluateItem(input, deps([cheap(0.97), llmStub([{ category: 'CSE-13', score: 0.9, evidence: { summary: 'yes' } }])], cfg));
  assert.equal(agrees.decision.verdict, 'violating');
  const disagrees = await evaluateItem(input, deps([cheap(0.97), llmStub([])], cfg));
  assert.equal(disagrees.decision.verdict, 'needs_review');
  assert.match(disagrees.decision.reasons[0]!.text, /held for review: llm\.policy did not confirm CSE-13/);
});
