import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AccountId, ItemId } from '../../../src/core/ids.js';
import type { Item } from '../../../src/core/types.js';
import { RuleDetector } from '../../../src/detectors/text/rules/detector.js';
import { parseRuleFile } from '../../../src/detectors/text/rules/parse.js';
import { RuleSet } from '../../../src/detectors/text/rules/rule-set.js';
import type { DetectorResult } from '../../../src/detectors/types.js';
import type { ActiveSnooze } from '../../../src/investigations/labels.js';

const T = Date.UTC(2026, 2, 1);
const detector = new RuleDetector(RuleSet.compile(parseRuleFile(`formatVersion: 1
rules:
  - { id: hello, description: d, category: CSE-13, weight: 0.5, match: { terms: [hello there] } }
  - { id: bye, description: d, category: CSE-13, weight: 0.4, match: { terms: [bye now] } }
`, 'yaml'), 4));

const input = (snoozes?: ActiveSnooze[]) => ({
  item: {
    id: 'i' as ItemId, externalId: 'e', contentDigest: 'd', surface: 'comment', kind: 'text', text: 'hello there and bye now', media: [],
    authorId: 'acc1' as AccountId, conversationId: null, recipientIds: [], createdAt: T, ingestedAt: T, metadata: {}, status: 'pending',
  } satisfies Item,
  author: null, recipients: [],
  context: { conversation: null, behaviour: null, ...(snoozes ? { snoozes } : {}) },
});

const snooze: ActiveSnooze = {
  id: 'S1', ruleId: 'hello', entityType: 'account', entityId: 'acc1', reason: 'greets everyone; checked in escalation esc1', createdBy: 'user:ines',
  createdAt: T - 1000, expiresAt: T + 86_400_000, escalationId: 'esc1',
};

test('a rule snoozed for the item\'s entity is skipped, and the run says which snooze skipped it and why', () => {
  const plain = detector.detect(input());
  assert.ok(Array.isArray(plain), 'no snoozes: plain signals');
  assert.deepEqual(plain.map((s) => s.score), [0.7], 'both rules together');

  const r = detector.detect(input([snooze])) as DetectorResult;
  assert.deepEqual(r.signals.map((s) => [s.category, s.score, s.evidence.summary]), [['CSE-13', 0.4, 'rules bye (rules v4)']]);
  assert.deepEqual(r.details, {
    snoozed: [{
      ruleId: 'hello', category: 'CSE-13', weight: 0.5, snoozeId: 'S1', entityType: 'account', entityId: 'acc1',
      reason: 'greets everyone; checked in escalation esc1', createdBy: 'user:ines', expiresAt: T + 86_400_000,
    }],
  });
});

test('a snooze of a rule that did not match changes nothing and adds nothing to the trace', () => {
  const r = detector.detect(input([{ ...snooze, ruleId: 'other' }]));
  assert.ok(Array.isArray(r), 'plain signals, no details');
  assert.deepEqual(r.map((s) => s.score), [0.7]);
  assert.deepEqual(detector.detect({ ...input([snooze]), item: { ...input().item, text: 'see you at practice' } }), []);
});
