import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentHash, EvalDataError, excerpt, parseExamplesJsonl } from '../../../src/learning/eval/examples.js';

const known = new Set(['CSE-05', 'CSE-13']);

test('JSONL examples: ids from the text when missing, labels deduplicated in order, every bad line named', () => {
  const parsed = parseExamplesJsonl('{"text": "can we meet?", "labels": ["CSE-13", "CSE-05", "CSE-13"]}\n\n{"id": "b", "text": "hello", "labels": []}\n', known);
  assert.deepEqual(parsed.map((p) => p.line), [1, 3]);
  assert.match(parsed[0]!.content.id, /^text:[0-9a-f]{16}$/);
  assert.deepEqual(parsed[0]!.content.labels, ['CSE-13', 'CSE-05']);
  assert.deepEqual(parsed[1]!.content, { id: 'b', text: 'hello', media: [], surface: null, authorAgeBand: null, recipientAgeBands: [], labels: [] });

  assert.throws(() => parseExamplesJsonl('{"text": "hi", "labels": [], "extra": 1}\n{"text": "hi", "labels": [], "authorAgeBand": "old"}\n{"text": "hi"}', known), (e: unknown) => {
    assert.ok(e instanceof EvalDataError);
    assert.equal(e.problems.length, 3);
    assert.deepEqual(e.problems.map((p) => p.where), ['line 1', 'line 2', 'line 3']);
    assert.match(e.problems[0]!.problem, /extra/);
    assert.match(e.problems[1]!.problem, /^authorAgeBand: /);
    assert.match(e.problems[2]!.problem, /^labels: /);
    return true;
  });
  assert.throws(() => parseExamplesJsonl('\n  \n', known), /no examples/);
});

test('the content hash ignores order and changes with any content', () => {
  const a = { id: 'a', text: 'x', media: [], surface: null, authorAgeBand: null, recipientAgeBands: [], labels: [] };
  const b = { ...a, id: 'b', labels: ['CSE-13'] };
  assert.equal(contentHash([a, b]), contentHash([b, a]));
  assert.notEqual(contentHash([a, b]), contentHash([a, { ...b, labels: [] }]));
  assert.notEqual(contentHash([a, b]), contentHash([a, { ...b, surface: 'comment' }]));
  assert.equal(excerpt('  one\n two  three ', 60), 'one two three');
  assert.equal(excerpt('abcdefghij', 5), 'abcd…');
});
