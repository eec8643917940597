// Missed catches and root-cause suggestions read from hand-made traces: each cause, and a deterministic order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  firstMissedCatch, humanTruth, type ItemTrace, missedCatches, suggestRootCauses, type TraceSignal, type TraceStep,
} from '../../../src/investigations/trace/index.js';

const T0 = Date.UTC(2025, 0, 1);
const H = 3_600_000;

function step(index: number, kind: string, data: Record<string, unknown> = {}, actor = 'pipeline', at = T0 + index): TraceStep {
  return { index, at, kind, eventId: `ev${index}`, actor, title: kind, detail: '', data };
}

function signal(eventId: string, over: Partial<TraceSignal>): TraceSignal {
  return {
    id: `sig-${eventId}`, eventId, at: T0, detector: 'text.rules', detectorVersion: '1', category: 'CSE-05', score: 0.5, summary: '',
    informational: false, hash: null, tactics: [], thresholds: { action: 0.8, review: 0.5, policyVersion: 3 }, ...over,
  };
}

/** A text item the pipeline let through (no violation), with the given steps and signals. */
function traceOf(itemId: string, over: Partial<ItemTrace> = {}): ItemTrace {
  const steps = over.steps ?? [step(0, 'item_ingested'), step(1, 'detector_ran'), step(2, 'signal'), step(3, 'decision', { verdict: 'no_violation' })];
  return {
    itemId, externalId: itemId, surface: 'direct_message', kind: 'text', status: 'processed', authorId: 'acct', conversationId: null,
    createdAt: T0, ingestedAt: T0, media: [], steps,
    detectors: [{ detector: 'text.rules', eventId: 'ev1', at: T0, versions: { 'text.rules': '1', rules: 1 }, signals: 1, shadow: false }],
    signals: [], cascade: null,
    decisions: [{
      id: `d-${itemId}`, eventId: 'ev3', at: T0, by: 'pipeline', automated: true, verdict: 'no_violation', category: null, severity: 'NONE',
      policyVersion: 3, taxonomyVersion: 1, actions: [], reasons: [],
    }],
    actions: [], reviews: [], appeals: [], textTactics: [], coverage: [{ category: 'CSE-05', detectors: ['text.rules'] }], truth: null, builtAt: T0 + 100 * H,
    ...over,
  };
}

const expected = { category: 'CSE-05' };

test('a score between the review and action thresholds, or just under review, is a threshold miss; far under, a classifier miss', () => {
  const between = traceOf('a', { signals: [signal('ev2', { score: 0.62 })] });
  assert.deepEqual(firstMissedCatch(between, expected), {
    step: 2, eventId: 'ev2', cause: 'threshold',
    text: 'score 0.62 for CSE-05 from text.rules was under the action threshold 0.8 of policy v3 (over the review threshold 0.5: sent to review, not actioned)',
  });
  const justUnder = traceOf('b', { signals: [signal('ev2', { score: 0.45, detector: 'text.model' })] });
  assert.equal(firstMissedCatch(justUnder, expected)?.text, 'score 0.45 for CSE-05 from text.model was under the review threshold 0.5 of policy v3');
  const low = traceOf('c', { signals: [signal('ev2', { score: 0.12, detector: 'text.model' })] });
  assert.deepEqual(firstMissedCatch(low, expected), {
    step: 2, eventId: 'ev2', cause: 'classifier_miss', text: 'text.model scored CSE-05 0.12, far under the review threshold 0.5 of policy v3',
  });
  assert.equal(firstMissedCatch(low), null, 'without a truth there is nothing to miss');
});

test('no detector for the category on the surface is a detection gap; tactics with silent rules are obfuscation', () => {
  const gap = traceOf('g', { coverage: [] });
  assert.deepEqual(firstMissedCatch(gap, { category: 'CSE-09' }), {
    step: 3, eventId: 'ev3', cause: 'detection_gap', text: 'no detector covers CSE-09 on surface direct_message (ran: text.rules)',
  });
  const hidden = traceOf('o', { textTactics: ['leet', 'spacing'] });
  assert.notEqual(firstMissedCatch(hidden, { category: 'CSE-01' })?.cause, 'evasion_obfuscation', 'the rules do not cover CSE-01: not their miss');
  assert.deepEqual(firstMissedCatch(hidden, expected), {
    step: 1, eventId: 'ev1', cause: 'evasion_obfuscation', text: 'the text used leet, spacing and the rules did not fire for CSE-05',
  });
});

test('a reviewer who said not violating is a reviewer error once QA disagrees; the QA verdict is the truth', () => {
  const steps = [
    step(0, 'item_ingested'), step(1, 'decision', { verdict: 'needs_review', category: 'CSE-05' }),
    step(2, 'review_decided', { kind: 'review', verdict: 'not_violating', reviewer: 'user:r1@x', queue: 'grooming', outcome: 'final' }, 'user:r1@x'),
    step(3, 'decision', { verdict: 'no_violation', by: 'user:r1@x', taskId: 't1' }, 'user:r1@x'),
    step(4, 'qa_completed', { verdict: 'violating', category: 'CSE-05', agrees: false }, 'user:qa@x'),
  ];
  const decisions: ItemTrace['decisions'] = [
    { id: 'd1', eventId: 'ev1', at: T0 + 1, by: 'pipeline', automated: true, verdict: 'needs_review', category: 'CSE-05', severity: 'S2', policyVersion: 3, taxonomyVersion: 1, actions: ['review'], reasons: [] },
    { id: 'd2', eventId: 'ev3', at: T0 + 3, by: 'user:r1@x', automated: false, verdict: 'no_violation', category: null, severity: 'NONE', policyVersion: 3, taxonomyVersion: 1, actions: [], reasons: [] },
  ];
  const base = traceOf('r', { steps, decisions, signals: [] });
  const trace = { ...base, truth: humanTruth(base) };
  assert.deepEqual(trace.truth, { verdict: 'violating', category: 'CSE-05', source: 'qa', by: 'user:qa@x', at: T0 + 4, eventId: 'ev4' });
  assert.deepEqual(missedCatches(trace).find((m) => m.cause === 'reviewer_error'), {
    step: 2, eventId: 'ev2', cause: 'reviewer_error', text: 'a reviewer (user:r1@x) decided not violating in queue grooming; QA (user:qa@x) later disagreed',
  });
  const overturned = { ...trace, steps: [...steps, step(5, 'appeal_resolved', { outcome: 'overturned', decisionId: 'd2' }, 'user:s@x')] };
  assert.equal(humanTruth(overturned)?.verdict, 'not_violating', 'the last human word wins');
  assert.deepEqual(missedCatches({ ...overturned, truth: humanTruth(overturned) }), [], 'not violating: nothing was missed');
});

test('suggestions: most evidence first, then most items, then the earliest miss, then the taxonomy order; evidence in trace order', () => {
  const threshold = (id: string) => traceOf(id, { signals: [signal('ev2', { score: 0.62 })] });
  const gap = (id: string) => traceOf(id, { coverage: [] });
  const overdue = (id: string) => traceOf(id, {
    signals: [signal('ev2', { score: 0.62 })],
    reviews: [
      { taskId: 't1', kind: 'review', queue: 'grooming', status: 'done', createdAt: T0, slaDueAt: T0 + 4 * H, slaMs: 4 * H, claimedAt: null, decidedAt: T0 + 19 * H, waitedMs: 19 * H, overdueMs: 15 * H, reviewer: 'user:r@x', verdict: 'violating', category: 'CSE-05', outcome: 'final', agrees: null, decidedEventId: 'ev3' },
    ],
  });
  const traces = [gap('i1'), threshold('i2'), overdue('i3'), threshold('i4')];
  const suggested = suggestRootCauses(traces, expected);
  assert.deepEqual(suggested.map((s) => [s.cause, s.evidence.map((e) => e.itemId)]), [
    ['threshold', ['i2', 'i3', 'i4']],
    ['detection_gap', ['i1']],
    ['queue_delay', ['i3']],
  ]);
  assert.deepEqual(suggested[2]?.evidence[0], { itemId: 'i3', eventId: 'ev3', step: '#3 decision: decision', text: 'waited 19 h in queue grooming against an SLA of 4 h' });
  assert.deepEqual(suggestRootCauses([...traces].reverse(), expected).map((s) => s.cause), ['threshold', 'detection_gap', 'queue_delay'], 'input order does not change the causes');
  // Ties on evidence and items: an item's first missed catch leads, then the taxonomy order; expectations can differ per item.
  const both = traceOf('z', { textTactics: ['leet'], signals: [signal('ev2', { score: 0.62, detector: 'text.model' })] });
  assert.deepEqual(missedCatches(both, expected).map((m) => m.cause), ['threshold', 'evasion_obfuscation']);
  assert.deepEqual(suggestRootCauses([both], expected).map((s) => s.cause), ['threshold', 'evasion_obfuscation'], 'not the taxonomy order');
  assert.deepEqual(suggestRootCauses([overdue('x'), gap('y')], new Map([['x', expected], ['y', expected]])).map((s) => s.cause), ['detection_gap', 'threshold', 'queue_delay']);
  assert.deepEqual(suggestRootCauses([overdue('x'), gap('y')], new Map([['y', expected]])).map((s) => s.cause), ['detection_gap']);
  assert.deepEqual(suggestRootCauses(traces), [], 'nothing says these items should have been caught');
});
