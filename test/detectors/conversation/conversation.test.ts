import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgeBand } from '../../../src/core/types.js';
import {
  advanceConversation, type ConversationMessage, type ConversationState, type ConversationStep, conversationSignalDrafts,
  DEFAULT_CONVERSATION_RISK_CONFIG as config, parseConversationRiskConfig, scoreAt,
} from '../../../src/detectors/conversation/index.js';
import type { Indicator } from '../../../src/detectors/indicators.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2025, 0, 6);

let seq = 0;
function adultToMinor(at: number, indicators: Indicator[], authorId = 'adult_1'): ConversationMessage {
  return { itemId: `item_${++seq}`, at, authorId, authorBand: 'adult', recipientBands: ['13_15'], indicators };
}
function minorToAdult(at: number, indicators: Indicator[]): ConversationMessage {
  return { itemId: `item_${++seq}`, at, authorId: 'minor_1', authorBand: '13_15', recipientBands: ['adult'], indicators };
}

function run(messages: ConversationMessage[], start: ConversationState | null = null, cfg = config): ConversationStep[] {
  let state = start;
  return messages.map((m) => {
    const step = advanceConversation(state, m, cfg);
    state = step.state;
    return step;
  });
}

/** Neutral indicators spread over four days; the last one arrives on day 3. */
function groomingScript(start = T0): ConversationMessage[] {
  return [
    adultToMinor(start, ['age_probing', 'flattery']),
    minorToAdult(start + 2 * HOUR, []),
    adultToMinor(start + 1 * DAY, ['secrecy']),
    adultToMinor(start + 1 * DAY + HOUR, []),
    adultToMinor(start + 2 * DAY, ['gift_offer']),
    adultToMinor(start + 3 * DAY, ['platform_move']),
  ];
}

test('indicators spread over days cross the threshold on the message carrying the last one, and not before', () => {
  const steps = run(groomingScript());
  assert.deepEqual(steps.map((s) => s.crossed), [false, false, false, false, false, true]);
  for (const s of steps.slice(0, -1)) assert.ok(s.score < config.threshold, `score ${s.score} before the last indicator`);
  const last = steps.at(-1)!;
  assert.ok(last.score >= config.threshold);
  assert.equal(last.state.crossedAt, T0 + 3 * DAY);

  // The explanation names every indicator, largest contribution first, and the contributions add up to the score.
  assert.deepEqual(
    new Set(last.explanation.map((e) => e.indicator)),
    new Set(['age_probing', 'flattery', 'secrecy', 'gift_offer', 'platform_move']),
  );
  const contributions = last.explanation.map((e) => e.contribution);
  assert.deepEqual(contributions, [...contributions].sort((a, b) => b - a));
  assert.ok(Math.abs(contributions.reduce((a, b) => a + b, 0) - last.score) < 1e-3);
  const secrecy = last.explanation.find((e) => e.indicator === 'secrecy')!;
  assert.deepEqual([secrecy.count, secrecy.firstAt, secrecy.lastAt, secrecy.itemIds.length], [1, T0 + DAY, T0 + DAY, 1]);

  const drafts = conversationSignalDrafts(last, { conversationId: 'conv_1', configVersion: 3, config });
  assert.equal(drafts.length, 1);
  const [draft] = drafts;
  assert.equal(draft!.category, 'CSE-05');
  assert.equal(draft!.score, last.score);
  assert.match(draft!.evidence.summary, /^conversation risk 0\.\d+ ≥ 0\.7: platform_move \(\+0\.\d\d\), .*secrecy \(\+0\.\d\d\)/);
  assert.match(draft!.evidence.summary, /over 3\.0 days, config v3$/);
  assert.equal(draft!.evidence.conversationId, 'conv_1');
  assert.equal(draft!.evidence.threshold, 0.7);
  assert.equal(draft!.evidence.configVersion, 3);
  assert.equal((draft!.evidence.indicators as unknown[]).length, 5);

  // Messages before the crossing produce no drafts.
  for (const s of steps.slice(0, -1)) assert.deepEqual(conversationSignalDrafts(s, { conversationId: 'conv_1', configVersion: 3, config }), []);
});

test('a live conversation crosses once; after decaying well below it can cross again', () => {
  const first = run(groomingScript());
  const more = run([adultToMinor(T0 + 4 * DAY, ['secrecy']), adultToMinor(T0 + 4 * DAY + HOUR, ['meeting_request'])], first.at(-1)!.state);
  assert.deepEqual(more.map((s) => s.crossed), [false, false]);

  const quiet = more.at(-1)!.state;
  const later = T0 + 40 * DAY;
  assert.ok(scoreAt(quiet, later, config) < 0.05, 'a month of silence brings the score down');
  const again = run(groomingScript(later), quiet);
  assert.deepEqual(again.map((s) => s.crossed), [false, false, false, false, false, true]);
  assert.equal(again.at(-1)!.state.crossedAt, later + 3 * DAY);
});

test('a long gap decays the score', () => {
  const steps = run(groomingScript());
  const state = steps.at(-1)!.state;
  const scores = [0, 3, 7, 14].map((d) => scoreAt(state, state.updatedAt + d * DAY, config));
  assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
  assert.ok(scores[1]! < config.threshold && scores[3]! < 0.1, `scores ${scores}`);

  // The same indicators squeezed into three weeks' gaps never add up.
  const slow = run([
    adultToMinor(T0, ['age_probing', 'flattery']),
    adultToMinor(T0 + 21 * DAY, ['secrecy']),
    adultToMinor(T0 + 42 * DAY, ['gift_offer']),
    adultToMinor(T0 + 63 * DAY, ['platform_move']),
  ]);
  assert.ok(slow.every((s) => !s.crossed && s.score < 0.5));
});

test('one indicator repeated many times never crosses', () => {
  const messages = Array.from({ length: 200 }, (_, i) => adultToMinor(T0 + i * 15 * 60_000, ['secrecy']));
  const steps = run(messages);
  assert.ok(steps.every((s) => !s.crossed));
  const last = steps.at(-1)!;
  assert.ok(Math.abs(last.score - config.weights.secrecy * config.maxRepeatPresence) < 1e-9);
  assert.equal(last.explanation[0]!.count, 200);
  assert.equal(last.explanation[0]!.itemIds.length, config.maxItemIdsPerIndicator);
  assert.equal(last.explanation[0]!.itemIds[0], messages[0]!.itemId, 'the first occurrence is kept');
  assert.equal(last.explanation[0]!.itemIds.at(-1), messages.at(-1)!.itemId);

  // The strongest indicator repeated fares no better, and a configuration that would allow it is refused.
  for (const i of ['threat', 'photo_request', 'meeting_request'] as const) {
    assert.ok(run(Array.from({ length: 50 }, (_, k) => adultToMinor(T0 + k * HOUR, [i]))).every((s) => !s.crossed));
  }
  assert.throws(() => parseConversationRiskConfig({ weights: { secrecy: 0.5 } }), /weights\.secrecy: .*one indicator alone must not cross/);
  assert.throws(() => parseConversationRiskConfig({ halfLifeHours: -1 }), /halfLifeHours/);
  assert.throws(() => parseConversationRiskConfig({ weights: { charm: 0.1 } }), /weights/);
});

test("a minor's replies and other pairings add nothing", () => {
  const opening = run([adultToMinor(T0, ['age_probing'])]);
  const replies = run(
    [minorToAdult(T0 + HOUR, ['secrecy', 'platform_move', 'gift_offer', 'meeting_request']), minorToAdult(T0 + 2 * HOUR, ['photo_request'])],
    opening[0]!.state,
  );
  assert.ok(replies.every((s) => !s.accumulated && s.score <= opening[0]!.score));
  assert.deepEqual(replies.at(-1)!.explanation.map((e) => e.indicator), ['age_probing']);

  const message = (authorBand: AgeBand, recipientBands: AgeBand[]): ConversationMessage => ({
    itemId: `item_${++seq}`, at: T0, authorId: 'x', authorBand, recipientBands, indicators: ['secrecy', 'gift_offer'],
  });
  for (const [author, recipients] of [['adult', ['adult']], ['13_15', ['16_17']], ['unknown', ['13_15']], ['adult', ['unknown']]] as const) {
    const step = advanceConversation(null, message(author, [...recipients]), config);
    assert.equal(step.accumulated, false, `${author} -> ${recipients}`);
    assert.equal(step.score, 0);
  }
  // Unknown authors count when configured to.
  const lenient = parseConversationRiskConfig({ unknownAuthorAccumulates: true });
  assert.equal(advanceConversation(null, message('unknown', ['13_15']), lenient).accumulated, true);
});

test('an adult message with no recipient bands counts once the conversation is known to include a minor', () => {
  const noBands = (at: number, indicators: Indicator[]): ConversationMessage => ({
    itemId: `item_${++seq}`, at, authorId: 'adult_1', authorBand: 'adult', recipientBands: [], indicators,
  });
  assert.equal(advanceConversation(null, noBands(T0, ['secrecy']), config).accumulated, false);
  const steps = run([minorToAdult(T0, []), noBands(T0 + HOUR, ['secrecy'])]);
  assert.equal(steps[1]!.accumulated, true);
  assert.ok(steps[1]!.score > 0);
});

test('a threat and a payment demand to a minor are sextortion, at once', () => {
  const draftsOf = (s: ConversationStep) => conversationSignalDrafts(s, { conversationId: 'conv_9', configVersion: 1, config });

  const same = advanceConversation(null, adultToMinor(T0, ['threat', 'payment_demand']), config);
  assert.ok(same.score < config.threshold && !same.crossed);
  assert.deepEqual(same.sextortion?.threat.itemId, same.sextortion?.paymentDemand.itemId);
  const [draft] = draftsOf(same);
  assert.equal(draft!.category, 'CSE-06');
  assert.equal(draft!.score, config.sextortionScore);
  assert.match(draft!.evidence.summary, /^sextortion: a threat and a payment demand in the same message/);

  // Within the window, from the same author: the second message completes the pair.
  const paired = run([adultToMinor(T0, ['threat']), adultToMinor(T0 + 47 * HOUR, ['payment_demand'])]);
  assert.equal(paired[0]!.sextortion, null);
  assert.equal(paired[1]!.sextortion?.threat.itemId, paired[0]!.state.recentItemIds.at(-1));
  assert.match(draftsOf(paired[1]!).find((d) => d.category === 'CSE-06')!.evidence.summary, /47 h apart/);

  // Too far apart, from different authors, or aimed at an adult: no pair.
  assert.equal(run([adultToMinor(T0, ['threat']), adultToMinor(T0 + 49 * HOUR, ['payment_demand'])])[1]!.sextortion, null);
  assert.equal(run([adultToMinor(T0, ['threat'], 'a'), adultToMinor(T0 + HOUR, ['payment_demand'], 'b')])[1]!.sextortion, null);
  const toAdult: ConversationMessage = { ...adultToMinor(T0, ['threat', 'payment_demand']), recipientBands: ['adult'] };
  assert.equal(advanceConversation(null, toAdult, config).sextortion, null);
  // The minor's own words never pair against the adult's.
  assert.equal(run([adultToMinor(T0, ['threat']), minorToAdult(T0 + HOUR, ['payment_demand'])])[1]!.sextortion, null);
  // An author declaring a minor band is still caught.
  const posing: ConversationMessage = { ...adultToMinor(T0, ['threat', 'payment_demand']), authorBand: '16_17' };
  assert.notEqual(advanceConversation(null, posing, config).sextortion, null);
});

test('the same inputs give the same results, through a JSON round trip, and a reprocessed item counts once', () => {
  const script = groomingScript();
  const a = run(script);
  const b = run(script);
  assert.deepEqual(a, b);

  const mid = JSON.parse(JSON.stringify(a[2]!.state)) as ConversationState;
  assert.deepEqual(run(script.slice(3), mid), a.slice(3));

  const again = advanceConversation(a[4]!.state, script[4]!, config);
  assert.equal(again.duplicate, true);
  assert.equal(again.state, a[4]!.state);
  assert.equal(again.crossed, false);
});
