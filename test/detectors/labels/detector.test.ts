import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AccountId, ItemId } from '../../../src/core/ids.js';
import type { Item } from '../../../src/core/types.js';
import { EntityLabelDetector } from '../../../src/detectors/labels/detector.js';
import type { DetectorResult } from '../../../src/detectors/types.js';
import { detectorApplies } from '../../../src/detectors/types.js';
import type { ActiveLabel } from '../../../src/investigations/labels.js';

const T = Date.UTC(2026, 2, 1);

const item = (over: Partial<Item> = {}): Item => ({
  id: 'item1' as ItemId, externalId: 'e1', contentDigest: 'd', surface: 'direct_message', kind: 'text', text: 'see you at practice',
  media: [], authorId: 'acc1' as AccountId, conversationId: null, recipientIds: [], createdAt: T, ingestedAt: T, metadata: {}, status: 'pending',
  ...over,
});

const label = (over: Partial<ActiveLabel>): ActiveLabel => ({
  id: 'L1', entityType: 'account', entityId: 'acc1', label: 'known_evader', reason: 'same device as a banned account', createdBy: 'user:ines',
  createdAt: T - 1000, expiresAt: Date.UTC(2026, 5, 1), escalationId: 'esc1', ...over,
});

const run = (labels: readonly ActiveLabel[] | undefined) =>
  new EntityLabelDetector().detect({ item: item(), author: null, recipients: [], context: { conversation: null, behaviour: null, labels } });

test('a label with a detection effect raises a review-only signal that explains itself with the reason', () => {
  const r = run([label({})]) as DetectorResult;
  assert.equal(r.signals.length, 1);
  const [s] = r.signals;
  assert.deepEqual([s?.category, s?.score, s?.evidence.reviewOnly], ['CSE-90', 0.7, true]);
  assert.equal(
    s?.evidence.summary,
    'author account acc1 carries label known_evader (same device as a banned account; by user:ines; expires 2026-06-01T00:00:00.000Z): raises risk: came back after enforcement under a new identity',
  );
  assert.deepEqual(s?.evidence.label, {
    id: 'L1', label: 'known_evader', entityType: 'account', entityId: 'acc1', reason: 'same device as a banned account', createdBy: 'user:ines',
    createdAt: T - 1000, expiresAt: Date.UTC(2026, 5, 1), escalationId: 'esc1',
  });
  assert.deepEqual((r.details as { labels: { id: string }[] }).labels.map((l) => l.id), ['L1']);
});

test('one signal per effective label; a label without effect is recorded in the details only', () => {
  const r = run([
    label({ id: 'a' }), label({ id: 'b', entityType: 'device', entityId: 'dev1', label: 'watchlist' }),
    label({ id: 'c', label: 'trusted_reporter' }),
  ]) as DetectorResult;
  assert.deepEqual(r.signals.map((s) => [(s.evidence.label as { id: string }).id, s.score]), [['a', 0.7], ['b', 0.5]]);
  assert.match(r.signals[1]?.evidence.summary ?? '', /^device dev1 carries label watchlist/);
  assert.deepEqual((r.details as { labels: { id: string }[] }).labels.map((l) => l.id), ['a', 'b', 'c']);
});

test('no labels, or no label context at all: nothing', () => {
  assert.deepEqual(run([]), []);
  assert.deepEqual(run(undefined), []);
  assert.deepEqual(new EntityLabelDetector().detect({ item: item(), author: null, recipients: [] }), []);
});

test('the detector runs on every kind of item that carries a label in force, and names its versions', () => {
  const d = new EntityLabelDetector();
  assert.deepEqual(d.versions(), { 'entity.labels': '1', label_effects: 1 });
  assert.equal(detectorApplies(d, item()), true);
  assert.equal(detectorApplies(d, item({ text: null, media: [{ mime: 'image/png' } as never] })), true);
  const withLabels = (labels: ActiveLabel[]) => ({ item: item(), author: null, recipients: [], context: { conversation: null, behaviour: null, labels } });
  assert.equal(detectorApplies(d, item(), withLabels([label({})])), true);
  assert.equal(detectorApplies(d, item(), withLabels([])), false, 'no label: not run, so no trace event per unlabelled item');
  assert.ok(d.cost <= 2, 'cheap: runs before anything expensive');
});
