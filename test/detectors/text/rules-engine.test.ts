import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AccountId, ItemId } from '../../../src/core/ids.js';
import type { Account, Item } from '../../../src/core/types.js';
import { type RuleContext, ruleContextFromInput } from '../../../src/detectors/text/rules/context.js';
import { RuleDetector } from '../../../src/detectors/text/rules/detector.js';
import { parseRuleFile } from '../../../src/detectors/text/rules/parse.js';
import { RuleSet } from '../../../src/detectors/text/rules/rule-set.js';
import { highlight } from '../../../src/detectors/text/rules/tester.js';

const DAY = 86_400_000;
const ADULT_TO_MINOR: RuleContext = {
  surface: 'direct_message', authorAgeBand: 'adult', recipientAgeBands: ['13_15'], authorAccountAgeDays: 5, conversationMessageCount: 4,
};

function rules(yaml: string, version = 3): RuleSet {
  return RuleSet.compile(parseRuleFile(`formatVersion: 1\n${yaml}`, 'yaml'), version);
}

const ids = (set: RuleSet, text: string, ctx: RuleContext = ADULT_TO_MINOR) => set.evaluate(text, ctx).map((h) => h.ruleId);

test('terms match whole words only, across case and accents, with evidence in original offsets', () => {
  const set = rules(`lists:
  secrecy: [keep this between us, gift card]
rules:
  - { id: secrecy, description: d, category: CSE-05, weight: 0.5, indicator: secrecy, match: { terms: secrecy } }
`);
  const text = 'ok so... KÉEP this   between us, fine?';
  const [hit] = set.evaluate(text, ADULT_TO_MINOR);
  assert.ok(hit);
  assert.deepEqual(hit.spans, [{ start: 9, end: 31, text: 'KÉEP this   between us' }]);
  assert.deepEqual(hit.terms, [{ term: 'keep this between us', start: 9, end: 31 }]);
  assert.equal(hit.indicator, 'secrecy');
  assert.deepEqual(ids(set, 'two giftcards and gift cards'), []);
  assert.deepEqual(ids(set, 'a gift card.'), ['secrecy']);
  assert.deepEqual(ids(set, 'regift card'), []);
});

test('stretched letters meet their term through the skeleton', () => {
  const set = rules(`rules:
  - { id: keep, description: d, category: CSE-05, weight: 0.5, match: { terms: [keep this between us] } }
`);
  const text = 'keeeeep this between uss';
  const [hit] = set.evaluate(text, ADULT_TO_MINOR);
  assert.equal(hit?.spans[0]?.text, text);
});

test('regular expressions run case-insensitively on normalised text and report original spans', () => {
  const set = rules(`rules:
  - { id: age, description: d, category: CSE-13, weight: 0.2, indicator: age_probing, match: { regex: "\\\\bARE (you|u) (over|under) 1[0-9]\\\\b" } }
`);
  const text = 'hey Are U under 16?';
  const [hit] = set.evaluate(text, ADULT_TO_MINOR);
  assert.deepEqual(hit?.spans, [{ start: 4, end: 18, text: 'Are U under 16' }]);
  assert.deepEqual(ids(set, 'are you under 160'), []);
});

test('proximity counts the words between A and B, in either order', () => {
  const set = rules(`rules:
  - { id: near2, description: d, category: CSE-05, weight: 0.4, match: { near: { a: [send], b: [photo, selfie], within: 2 } } }
`);
  assert.deepEqual(ids(set, 'send me a photo'), ['near2']);
  assert.deepEqual(ids(set, 'a selfie? send it'), ['near2']);
  assert.deepEqual(ids(set, 'send me one more photo'), []);
  const [hit] = set.evaluate('pls send me a photo', ADULT_TO_MINOR);
  assert.deepEqual(hit?.spans.map((s) => s.text), ['send', 'photo']);
});

test('any fires on one branch, all needs every branch and shows the evidence of each', () => {
  const set = rules(`lists:
  threats: [i will tell everyone]
  payments: [pay me]
rules:
  - id: both
    description: d
    category: CSE-06
    weight: 0.6
    match: { all: [ { terms: threats }, { terms: payments } ] }
  - id: either
    description: d
    category: CSE-06
    weight: 0.3
    match: { any: [ { terms: threats }, { terms: payments } ] }
`);
  assert.deepEqual(ids(set, 'pay me'), ['either']);
  const hits = set.evaluate('pay me or i will tell everyone', ADULT_TO_MINOR);
  assert.deepEqual(hits.map((h) => h.ruleId), ['both', 'either']);
  assert.deepEqual(hits[0]?.spans.map((s) => s.text), ['pay me', 'i will tell everyone']);
  assert.equal(highlight('pay me or i will tell everyone', hits.flatMap((h) => h.spans)), '[[pay me]] or [[i will tell everyone]]');
});

test('conditions: age bands, recipients, account age, surface and message count; unknown values do not satisfy', () => {
  const set = rules(`rules:
  - id: guarded
    description: d
    category: CSE-05
    weight: 0.5
    match: { terms: [our little secret] }
    when:
      authorAgeBands: [adult]
      recipientAgeBands: [under_13, 13_15]
      authorAccountAgeDays: { max: 30 }
      surfaces: [direct_message]
      conversationMessageCount: { min: 3, max: 10 }
`);
  const text = 'our little secret';
  assert.deepEqual(ids(set, text), ['guarded']);
  const without = (change: Partial<RuleContext>) => ids(set, text, { ...ADULT_TO_MINOR, ...change });
  assert.deepEqual(without({ authorAgeBand: '16_17' }), []);
  assert.deepEqual(without({ recipientAgeBands: ['adult', 'unknown'] }), []);
  assert.deepEqual(without({ recipientAgeBands: ['adult', 'under_13'] }), ['guarded'], 'any recipient in a band is enough');
  assert.deepEqual(without({ authorAccountAgeDays: 31 }), []);
  assert.deepEqual(without({ authorAccountAgeDays: undefined }), []);
  assert.deepEqual(without({ surface: 'comment' }), []);
  assert.deepEqual(without({ conversationMessageCount: 2 }), []);
  assert.deepEqual(without({ conversationMessageCount: 11 }), []);
  assert.deepEqual(without({ conversationMessageCount: undefined }), []);
});

function account(ageBand: Account['ageBand'], createdAt: number): Account {
  return { id: `acct_${ageBand}` as AccountId, externalId: ageBand, ageBand, createdAt, flags: [] };
}

function item(text: string, createdAt: number): Item {
  return {
    id: 'item_1' as ItemId, externalId: 'x', contentDigest: 'd', surface: 'direct_message', kind: 'text', text, media: [],
    authorId: 'acct_adult' as AccountId, conversationId: 'c', recipientIds: [], createdAt, ingestedAt: createdAt, metadata: {}, status: 'pending',
  };
}

test('the detector sends one signal per category, scored 1 - prod(1 - weight), with rule and term evidence', () => {
  const set = rules(`rules:
  - { id: secret, description: d, category: CSE-05, weight: 0.5, indicator: secrecy, match: { terms: [our little secret] } }
  - { id: app, description: d, category: CSE-05, weight: 0.4, indicator: platform_move, match: { terms: [add me on] } }
  - { id: gift, description: d, category: CSE-13, weight: 0.3, indicator: gift_offer, match: { terms: [gift card] }, when: { authorAccountAgeDays: { max: 10 } } }
`, 7);
  const detector = new RuleDetector(set);
  assert.deepEqual(detector.versions(), { 'text.rules': '1', rules: 7 });
  const now = 100 * DAY;
  const input = {
    item: item('our little secret, add me on Pixelchat, a gift card for you', now),
    author: account('adult', now - 3 * DAY),
    recipients: [account('13_15', 0)],
    context: { conversation: { id: 'c', messagesBefore: 5, state: null }, behaviour: null },
  };
  assert.deepEqual(ruleContextFromInput(input), {
    surface: 'direct_message', authorAgeBand: 'adult', recipientAgeBands: ['13_15'], authorAccountAgeDays: 3, conversationMessageCount: 6,
  });
  const signals = detector.detect(input);
  assert.deepEqual(signals.map((s) => [s.category, s.score]), [['CSE-05', 0.7], ['CSE-13', 0.3]]);
  const evidence = signals[0]?.evidence;
  assert.deepEqual(evidence?.rules, [
    { id: 'secret', weight: 0.5, indicator: 'secrecy', spans: [{ start: 0, end: 17, text: 'our little secret' }] },
    { id: 'app', weight: 0.4, indicator: 'platform_move', spans: [{ start: 19, end: 28, text: 'add me on' }] },
  ]);
  assert.deepEqual(evidence?.terms, [{ term: 'our little secret', start: 0, end: 17 }, { term: 'add me on', start: 19, end: 28 }]);
  assert.ok(Array.isArray(evidence?.tactics));
  assert.match(evidence?.summary ?? '', /secret, app.*v7/);
  assert.deepEqual(detector.detect({ ...input, item: item('see you at practice', now) }), []);
  assert.deepEqual(detector.detect({ ...input, author: null }).map((s) => s.category), ['CSE-05'], 'no author: account age unknown');
  assert.equal(ruleContextFromInput({ ...input, context: undefined }).conversationMessageCount, undefined);
});
