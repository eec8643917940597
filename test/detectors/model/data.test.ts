import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  examplesFromItems, examplesFromReviewDecisions, LabelledDataError, labelCounts, parseLabelledJsonl,
} from '../../../src/detectors/model/data.js';

const KNOWN = new Set(['CSE-05', 'CSE-13', 'CSE-14']);

test('JSONL examples are parsed; every bad line is reported by its line number', () => {
  const good = ['{"text": "see you at practice", "labels": []}', '', '{"id": "x1", "text": "keep this between us", "labels": ["CSE-05", "CSE-05"]}'].join('\n');
  const examples = parseLabelledJsonl(good, KNOWN);
  assert.equal(examples.length, 2);
  assert.match(examples[0]!.id, /^text:[0-9a-f]{16}$/);
  assert.deepEqual(examples[1], { id: 'x1', text: 'keep this between us', labels: ['CSE-05'] });
  assert.equal(parseLabelledJsonl(good, KNOWN)[0]!.id, examples[0]!.id, 'ids derived from text are stable');

  const bad = [
    '{"text": "fine", "labels": []}',
    '{"text": "broken", "labels": [}',
    '{"text": "", "labels": []}',
    '{"text": "what grade are you in", "labels": ["CSE-77"]}',
    '{"text": "no labels"}',
    '{"text": "odd", "labels": ["grooming"]}',
    '{"text": "extra", "labels": [], "score": 1}',
  ].join('\n');
  assert.throws(() => parseLabelledJsonl(bad, KNOWN), (e: unknown) => {
    assert.ok(e instanceof LabelledDataError);
    assert.deepEqual(e.problems.map((p) => p.where), ['line 2', 'line 3', 'line 4', 'line 5', 'line 6', 'line 7']);
    assert.match(e.message, /line 2: not valid JSON/);
    assert.match(e.message, /line 3: text: text is empty/);
    assert.match(e.message, /line 4: unknown category CSE-77/);
    assert.match(e.message, /line 5: labels: /);
    assert.match(e.message, /line 6: labels\.0: a category id looks like CSE-01/);
    assert.match(e.message, /line 7: .*score/);
    return true;
  });
});

test('items with metadata.labels become examples; unknown labels are counted, not trained', () => {
  const { examples, ignoredLabels } = examplesFromItems([
    { id: 'i1', text: 'see you at practice', metadata: { labels: [] } },
    { id: 'i2', text: 'keep this between us', metadata: { labels: ['CSE-05', 'benign-ish'] } },
    { id: 'i3', text: 'no ground truth', metadata: { scenario: 'benign' } },
    { id: 'i4', text: null, metadata: { labels: ['CSE-05'] } },
  ], KNOWN);
  assert.deepEqual(examples, [
    { id: 'i1', text: 'see you at practice', labels: [] },
    { id: 'i2', text: 'keep this between us', labels: ['CSE-05'] },
  ]);
  assert.deepEqual([...ignoredLabels], [['benign-ish', 1]]);
  assert.deepEqual(labelCounts(examples), { perLabel: { 'CSE-05': 1 }, benign: 1 });
});

test('review decisions become examples: confirmed categories as labels, cleared items as benign', () => {
  const examples = examplesFromReviewDecisions([
    { itemId: 'a', text: 'what grade are you in', outcome: 'violating', categories: ['CSE-13'] },
    { itemId: 'b', text: 'the bus was late', outcome: 'no_violation', categories: ['CSE-13'] },
    { itemId: 'c', text: 'something', outcome: 'violating', categories: ['CSE-99'] },
    { itemId: 'd', text: null, outcome: 'no_violation', categories: [] },
  ], KNOWN);
  assert.deepEqual(examples, [
    { id: 'a', text: 'what grade are you in', labels: ['CSE-13'] },
    { id: 'b', text: 'the bus was late', labels: [] },
  ]);
});
