import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type ActiveLabel, type ActiveSnooze, DEFAULT_SNOOZE_MS, describeLabel, entitiesOfItem, indexLabels, isActive, LABEL_DEFINITIONS,
  labelExpiry, labelInputSchema, labelsForItem, LABELS, MAX_SNOOZE_MS, snoozeExpiry, snoozeInputSchema,
} from '../../src/investigations/labels.js';
import { DEFAULT_POLICY, thresholdsFor } from '../../src/core/policy.js';
import { DEFAULT_TAXONOMY } from '../../src/core/taxonomy-default.js';
import { findCategory } from '../../src/core/taxonomy.js';

const NOW = Date.UTC(2026, 2, 1);

const label = (over: Partial<ActiveLabel>): ActiveLabel => ({
  id: 'L1', entityType: 'account', entityId: 'acc1', label: 'known_evader', reason: 'same device as banned account', createdBy: 'user:i@x',
  createdAt: NOW - 1000, expiresAt: null, escalationId: null, ...over,
});
const snooze = (over: Partial<ActiveSnooze>): ActiveSnooze => ({
  id: 'S1', ruleId: 'r1', entityType: 'account', entityId: 'acc1', reason: 'false positives on a parent account', createdBy: 'user:i@x',
  createdAt: NOW - 1000, expiresAt: null, escalationId: null, ...over,
});

test('every label with a detection effect raises a review-level signal in a category the default taxonomy has', () => {
  const effects = LABELS.map((l) => [l, LABEL_DEFINITIONS[l].effect.kind]);
  assert.deepEqual(effects, [['known_evader', 'signal'], ['repeat_offender', 'signal'], ['watchlist', 'signal'], ['trusted_reporter', 'none']]);
  for (const l of LABELS) {
    const effect = LABEL_DEFINITIONS[l].effect;
    if (effect.kind !== 'signal') continue;
    assert.ok(findCategory(DEFAULT_TAXONOMY, effect.category), `${l}: ${effect.category} is in the taxonomy`);
    const t = thresholdsFor(DEFAULT_POLICY, effect.category, 'direct_message');
    assert.ok(effect.score >= t.reviewThreshold && effect.score < t.actionThreshold, `${l} routes to review, never acts, by default`);
  }
  const known = LABEL_DEFINITIONS.known_evader.effect;
  const watch = LABEL_DEFINITIONS.watchlist.effect;
  assert.ok(known.kind === 'signal' && watch.kind === 'signal' && known.score > watch.score, 'a known evader ranks above the watchlist');
});

test('label input: reason required, label and entity type checked against each other, bad fields named', () => {
  const ok = labelInputSchema.parse({ entityType: 'device', entityId: ' dev-1 ', label: 'known_evader', reason: 'r', expiresAt: '2026-06-01T00:00:00Z' });
  assert.equal(ok.entityId, 'dev-1');
  const issues = (v: unknown) => {
    const r = labelInputSchema.safeParse(v);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  assert.deepEqual(issues({ entityType: 'account', entityId: 'a', label: 'known_evader', reason: '  ' }), ['reason: give the reason']);
  assert.deepEqual(issues({ entityType: 'conversation', entityId: 'c', label: 'trusted_reporter', reason: 'r' }), [
    'entityType: label trusted_reporter goes on account, not on a conversation',
  ]);
  assert.match(issues({ entityType: 'account', entityId: 'a', label: 'bad_person', reason: 'r' })[0] ?? '', /^label: label must be one of known_evader/);
  assert.match(issues({ entityType: 'item', entityId: 'a', label: 'watchlist', reason: 'r' })[0] ?? '', /^entityType: /);
  assert.match(issues({ entityType: 'account', entityId: 'a', label: 'watchlist', reason: 'r', expiresAt: 'tomorrow' })[0] ?? '', /^expiresAt: .*ISO 8601/);
  assert.deepEqual(issues({ entityType: 'account', entityId: 'a', label: 'watchlist', reason: 'r', colour: 'red' }).length, 1);
  assert.match(snoozeInputSchema.safeParse({ ruleId: 'r', entityType: 'device', entityId: 'd', reason: 'x' }).error?.issues[0]?.message ?? '', /account, conversation/);
});

test('expiry: a label may stay until removed, a snooze always ends, and neither may start expired', () => {
  assert.deepEqual(labelExpiry(undefined, NOW), { ok: true, at: null });
  assert.deepEqual(labelExpiry(new Date(NOW - 1).toISOString(), NOW), { ok: false, message: 'expiresAt is in the past' });
  assert.deepEqual(snoozeExpiry(undefined, NOW), { ok: true, at: NOW + DEFAULT_SNOOZE_MS });
  assert.deepEqual(snoozeExpiry(new Date(NOW + 3_600_000).toISOString(), NOW), { ok: true, at: NOW + 3_600_000 });
  assert.equal(snoozeExpiry(new Date(NOW + MAX_SNOOZE_MS + 1000).toISOString(), NOW).ok, false);

  const r = { createdAt: NOW - 10, expiresAt: NOW + 10, removedAt: null };
  assert.equal(isActive(r, NOW), true);
  assert.equal(isActive(r, NOW + 10), false, 'expired at the expiry instant');
  assert.equal(isActive(r, NOW - 11), false, 'not before it was put');
  assert.equal(isActive({ ...r, removedAt: NOW - 5 }, NOW), false);
  assert.equal(isActive({ ...r, expiresAt: null }, NOW + 1e12), true);
});

test("an item's entities are its author, conversation and metadata.deviceId; labels and snoozes are picked for it", () => {
  const item = { authorId: 'acc1', conversationId: 'conv1', metadata: { deviceId: 'dev1' } } as never;
  assert.deepEqual(entitiesOfItem(item), [
    { entityType: 'account', entityId: 'acc1' }, { entityType: 'conversation', entityId: 'conv1' }, { entityType: 'device', entityId: 'dev1' },
  ]);
  assert.deepEqual(entitiesOfItem({ authorId: null, conversationId: null, metadata: { deviceId: 42 } } as never), [], 'a non-string device id is ignored');

  const index = indexLabels({
    labels: [
      label({ id: 'a' }), label({ id: 'd', entityType: 'device', entityId: 'dev1', label: 'repeat_offender' }),
      label({ id: 'other', entityId: 'acc2' }), label({ id: 'c', entityType: 'conversation', entityId: 'conv1', label: 'watchlist' }),
    ],
    snoozes: [snooze({ id: 's1' }), snooze({ id: 's2', entityType: 'conversation', entityId: 'conv1' }), snooze({ id: 's3', entityId: 'acc2' })],
  });
  const picked = labelsForItem(item, index);
  assert.deepEqual(picked.labels.map((l) => l.id), ['a', 'c', 'd']);
  assert.deepEqual(picked.snoozes.map((s) => s.id), ['s1', 's2']);
  assert.deepEqual(labelsForItem({ authorId: 'acc3', conversationId: null, metadata: {} } as never, index), { labels: [], snoozes: [] });
});

test('a label describes itself with its entity, reason, author and expiry', () => {
  assert.equal(
    describeLabel(label({ expiresAt: Date.UTC(2026, 6, 1) })),
    'author account acc1 carries label known_evader (same device as banned account; by user:i@x; expires 2026-07-01T00:00:00.000Z)',
  );
  assert.match(describeLabel(label({ entityType: 'device', entityId: 'dev9' })), /^device dev9 .*no expiry\)$/);
});
