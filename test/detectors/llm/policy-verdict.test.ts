import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LLM_POLICY, LlamaGuardTemplate, type ParseOutcome, parseStructuredAnswer } from '../../../src/detectors/llm/policy/index.js';

const policy = DEFAULT_LLM_POLICY;
const valid = { violates: true, category: 'CSE-05', severity: 'S1', confidence: 0.85, rationale: 'asks a minor for secrecy', evidence: ['keep this between us'] };
const parse = (v: unknown) => parseStructuredAnswer(typeof v === 'string' ? v : JSON.stringify(v), policy);
const problem = (o: ParseOutcome) => (o.ok ? assert.fail('expected a failure') : o);

test('structured: a valid answer, with or without a json fence, and a non-violating one', () => {
  assert.deepEqual(parse(valid), { ok: true, verdict: valid });
  assert.deepEqual(parse(`\`\`\`json\n${JSON.stringify(valid)}\n\`\`\``), { ok: true, verdict: valid });
  const safe = { violates: false, category: null, severity: null, confidence: 0.9, rationale: 'homework reminder', evidence: [] };
  assert.deepEqual(parse(safe), { ok: true, verdict: safe });
  assert.deepEqual(parse({ ...valid, confidence: 0 }), { ok: true, verdict: { ...valid, confidence: 0 } });
});

test('structured: extra fields, wrong types, out-of-range confidence, unknown categories and contradictions are refused', () => {
  assert.match(problem(parse({ ...valid, note: 'x' })).problem, /Unrecognized key: "note"/i);
  assert.match(problem(parse({ ...valid, violates: 'yes' })).problem, /^violates: /);
  assert.match(problem(parse({ ...valid, confidence: '0.9' })).problem, /^confidence: /);
  assert.match(problem(parse({ ...valid, evidence: 'quote' })).problem, /^evidence: /);
  assert.match(problem(parse({ ...valid, confidence: 1.2 })).problem, /^confidence: .*(<=|1)/);
  assert.match(problem(parse({ ...valid, confidence: -0.1 })).problem, /^confidence: /);
  assert.match(problem(parse({ ...valid, category: 'CSE-77' })).problem, /^category: category must be one of CSE-02, .*CSE-90 or null/);
  assert.match(problem(parse({ ...valid, category: 'CSE-00' })).problem, /^category: /);
  assert.match(problem(parse({ ...valid, severity: 'S4' })).problem, /^severity: /);
  assert.match(problem(parse({ ...valid, category: null })).problem, /category: a violating verdict names a category/);
  assert.match(problem(parse({ ...valid, violates: false })).problem, /category: a non-violating verdict has category null/);
  const { rationale: _r, ...missing } = valid;
  assert.match(problem(parse(missing)).problem, /^rationale: /);
  assert.match(problem(parse({ ...valid, rationale: 'x'.repeat(5000) })).problem, /^rationale: /);
});

test('structured: not JSON, more than the object, arrays, empty answers and refusals', () => {
  for (const bad of ['violates: true', `${JSON.stringify(valid)} and that is my answer`, `Here it is: ${JSON.stringify(valid)}`]) {
    assert.deepEqual(parse(bad), { ok: false, outcome: 'malformed', problem: 'the answer is not a single JSON object' });
  }
  assert.deepEqual(parse([valid]), { ok: false, outcome: 'malformed', problem: 'the answer is not a JSON object' });
  assert.deepEqual(parse('  '), { ok: false, outcome: 'malformed', problem: 'empty answer' });
  assert.equal(problem(parse("I'm sorry, but I can't help with that.")).outcome, 'refused');
  assert.equal(problem(parse('I cannot assist with this request.')).outcome, 'refused');
});

test('llama guard: safe, unsafe with one or several codes (the most severe leads), and garbage', () => {
  const lg = new LlamaGuardTemplate();
  const p = (a: string) => lg.parse(a, policy);
  assert.deepEqual(p('safe'), {
    ok: true, verdict: { violates: false, category: null, severity: null, confidence: 0.8, rationale: 'safe', evidence: [] },
  });
  assert.deepEqual(p('\n\nsafe\n'), p('safe'));
  // S4 is CSE-05 (S1 severity), S12 is CSE-13 (S2).
  assert.deepEqual(p('unsafe\nS4'), {
    ok: true,
    verdict: { violates: true, category: 'CSE-05', severity: 'S1', confidence: 0.8, rationale: 'unsafe: S4 (CSE-05 Grooming / online enticement)', evidence: [] },
  });
  const multi = p('unsafe\nS12, s5');
  assert.ok(multi.ok);
  assert.equal(multi.verdict.category, 'CSE-06', 'sextortion (S0) outranks inappropriate interaction (S2)');
  assert.equal(multi.verdict.severity, 'S0');
  assert.equal(multi.verdict.rationale, 'unsafe: S12 (CSE-13 Inappropriate adult-minor interaction), S5 (CSE-06 Sextortion)');
  const custom = lg.parse('unsafe\nS1', { ...policy, llamaGuardConfidence: 0.6 });
  assert.ok(custom.ok && custom.verdict.confidence === 0.6);

  assert.deepEqual(p('unsafe\nS99'), { ok: false, outcome: 'malformed', problem: 'unknown category code S99' });
  assert.deepEqual(p('unsafe'), { ok: false, outcome: 'malformed', problem: 'an unsafe answer has exactly one line of category codes' });
  assert.deepEqual(p('unsafe\nS1\nbecause'), { ok: false, outcome: 'malformed', problem: 'an unsafe answer has exactly one line of category codes' });
  assert.deepEqual(p('unsafe\n,'), { ok: false, outcome: 'malformed', problem: 'no category codes' });
  assert.deepEqual(p('safe\nS1'), { ok: false, outcome: 'malformed', problem: 'a safe answer has nothing after it' });
  assert.deepEqual(p('{"violates": false}'), { ok: false, outcome: 'malformed', problem: 'the first line is neither safe nor unsafe' });
  assert.deepEqual(p(''), { ok: false, outcome: 'malformed', problem: 'the first line is neither safe nor unsafe' });
  assert.equal(problem(p("I'm sorry, I can't classify this.")).outcome, 'refused');
});
