import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type AccountAggregate, behaviourScore, behaviourWindowStarts, DEFAULT_BEHAVIOUR_CONFIG as config, evaluateConvergence,
  evaluateFriendRequestBurst, evaluateMinorOutreach, evaluateNewAccountOutreach, parseBehaviourConfig,
} from '../../../src/detectors/behaviour/index.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const AT = Date.UTC(2025, 2, 1, 12);

function accounts(count: number, countBefore?: number): AccountAggregate {
  return { count, countBefore, accountIds: Array.from({ length: count }, (_, i) => `acct_${i + 1}`) };
}

test('an adult contacting many minors fires at the threshold and not one below', () => {
  const n = config.minorOutreach.minDistinctMinors;
  const input = (count: number) => ({ authorId: 'adult_1', authorBand: 'adult' as const, at: AT, minorRecipients: accounts(count) });
  assert.deepEqual(evaluateMinorOutreach(input(n - 1), config), []);
  const [draft] = evaluateMinorOutreach(input(n), config, 2);
  assert.equal(draft!.category, 'CSE-13');
  assert.equal(draft!.score, config.minorOutreach.score);
  assert.equal(draft!.evidence.summary, `adult account adult_1 contacted ${n} distinct minor accounts in 24 h (threshold ${n}): acct_1, acct_2, acct_3, acct_4, acct_5 (+${n - 5} more)`);
  assert.deepEqual(
    [draft!.evidence.kind, draft!.evidence.count, draft!.evidence.threshold, draft!.evidence.windowStart, draft!.evidence.configVersion],
    ['minor_outreach', n, n, AT - DAY, 2],
  );
  // Minors and unknown authors are not judged by this rule.
  assert.deepEqual(evaluateMinorOutreach({ ...input(n * 3), authorBand: '16_17' }, config), []);
  assert.deepEqual(evaluateMinorOutreach({ ...input(n * 3), authorBand: 'unknown' }, config), []);
});

test('with the count before the item, a rule fires only on the item that reaches the threshold', () => {
  const n = config.minorOutreach.minDistinctMinors;
  const at = (count: number, before: number) =>
    evaluateMinorOutreach({ authorId: 'a', authorBand: 'adult', at: AT, minorRecipients: accounts(count, before) }, config).length;
  assert.deepEqual([at(n, n - 1), at(n + 1, n), at(n, n), at(n + 3, n - 1)], [1, 0, 0, 1]);
});

test('a new account reaching out to minors fires at its lower threshold, only while new', () => {
  const r = config.newAccountOutreach;
  const input = (count: number, ageMs: number) => ({
    authorId: 'fresh_1', authorBand: 'unknown' as const, at: AT, accountCreatedAt: AT - ageMs, minorRecipients: accounts(count),
  });
  assert.deepEqual(evaluateNewAccountOutreach(input(r.minDistinctMinors - 1, DAY), config), []);
  const [draft] = evaluateNewAccountOutreach(input(r.minDistinctMinors, DAY), config);
  assert.equal(draft!.category, 'CSE-13');
  assert.equal(draft!.evidence.accountAgeDays, 1);
  assert.match(draft!.evidence.summary, /^account fresh_1 \(unknown\), 1\.0 days old \(< 7\), contacted 4 distinct minor accounts in 24 h/);
  // At D days old the account is no longer new.
  assert.deepEqual(evaluateNewAccountOutreach(input(r.minDistinctMinors * 5, r.maxAccountAgeDays * DAY), config), []);
  assert.equal(evaluateNewAccountOutreach(input(r.minDistinctMinors, r.maxAccountAgeDays * DAY - 1), config).length, 1);
});

test('many adults converging on one minor fires at the threshold and not one below', () => {
  const n = config.convergence.minDistinctAdults;
  const input = (count: number, recipientBand: 'under_13' | 'adult' = 'under_13') =>
    ({ recipientId: 'minor_1', recipientBand, at: AT, adultSenders: accounts(count) });
  assert.deepEqual(evaluateConvergence(input(n - 1), config), []);
  const [draft] = evaluateConvergence(input(n), config);
  assert.equal(draft!.evidence.kind, 'adult_convergence');
  assert.equal(draft!.evidence.accountId, 'minor_1');
  assert.equal(draft!.evidence.windowHours, 72);
  assert.deepEqual(evaluateConvergence(input(n * 2, 'adult'), config), []);
});

test('a burst of friend requests to minors fires at the threshold and not one below', () => {
  const n = config.friendRequestBurst.minDistinctMinors;
  const input = (count: number) => ({ authorId: 'a1', authorBand: 'adult' as const, at: AT, minorFriendRequests: accounts(count) });
  assert.deepEqual(evaluateFriendRequestBurst(input(n - 1), config), []);
  const [draft] = evaluateFriendRequestBurst(input(n), config);
  assert.equal(draft!.evidence.kind, 'friend_request_burst');
  assert.equal(draft!.evidence.windowStart, AT - HOUR);
});

test('scores rise with the count, evidence stays bounded, and configuration is validated', () => {
  assert.equal(behaviourScore(0.6, 10, 10), 0.6);
  assert.equal(behaviourScore(0.6, 20, 10), 0.8);
  assert.ok(behaviourScore(0.6, 10_000, 10) <= 0.99);

  const small = parseBehaviourConfig({ maxAccountIdsInEvidence: 3, minorOutreach: { minDistinctMinors: 2, windowHours: 6 } });
  assert.equal(small.minorOutreach.score, 0.6, 'defaults fill what is not given');
  const [draft] = evaluateMinorOutreach({ authorId: 'a', authorBand: 'adult', at: AT, minorRecipients: accounts(50) }, small);
  assert.deepEqual(draft!.evidence.accountIds, ['acct_1', 'acct_2', 'acct_3']);
  assert.equal(draft!.evidence.accountIdsTruncated, true);
  assert.equal(behaviourWindowStarts(small, AT).minorOutreach, AT - 6 * HOUR);

  const off = parseBehaviourConfig({ convergence: { enabled: false } });
  assert.deepEqual(evaluateConvergence({ recipientId: 'm', recipientBand: '13_15', at: AT, adultSenders: accounts(100) }, off), []);

  assert.throws(() => parseBehaviourConfig({ minorOutreach: { minDistinctMinors: 0 } }), /minorOutreach\.minDistinctMinors/);
  assert.throws(() => parseBehaviourConfig({ convergence: { category: 'grooming' } }), /convergence\.category: a category id/);
  assert.throws(() => parseBehaviourConfig({ burst: {} }), /invalid behaviour signal configuration/);
});
