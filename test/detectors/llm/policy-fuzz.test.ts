// LLM policy documents come from people (PUT /v1/llm-policy) and verdicts from a model: neither may make Haven throw
// anything but its documented refusal. Policies round-trip through JSON; any model answer is a verdict or an outcome.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_LLM_POLICY, parseLlmPolicy, parseStructuredAnswer } from '../../../src/detectors/llm/policy/index.js';
import { checkProperty, fromSchema, type JsonSchema, junkJson, nastyString } from '../../helpers/arbitraries.js';
import { z } from 'zod';
import { llmPolicySchema } from '../../../src/detectors/llm/policy/schema.js';

function parsesOrRefuses(input: unknown): void {
  try {
    const policy = parseLlmPolicy(input);
    // What was accepted is accepted again after a trip through JSON (how it is stored), unchanged.
    assert.deepEqual(parseLlmPolicy(JSON.parse(JSON.stringify(policy))), policy);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    assert.ok(e instanceof Error && /^invalid LLM policy: .+/.test(e.message), `parseLlmPolicy threw ${String(e)}`);
  }
}

const policySchemaJson = z.toJSONSchema(llmPolicySchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

test('arbitrary and schema-shaped policy documents are accepted or refused with a message naming the problem', async () => {
  await checkProperty('llm policy: junk', fc.property(junkJson, parsesOrRefuses), 300);
  await checkProperty('llm policy: schema-shaped', fc.property(fromSchema(policySchemaJson), parsesOrRefuses), 300);
  // Edits of the default policy: one field replaced by anything.
  const fields = Object.keys(DEFAULT_LLM_POLICY);
  await checkProperty('llm policy: edited default', fc.property(fc.constantFrom(...fields), junkJson, (field, value) => parsesOrRefuses({ ...DEFAULT_LLM_POLICY, [field]: value })), 200);
});

test('the default policy round-trips', () => {
  assert.deepEqual(parseLlmPolicy(JSON.parse(JSON.stringify(DEFAULT_LLM_POLICY))), DEFAULT_LLM_POLICY);
});

test('any model answer parses to a verdict or a refused/malformed outcome, never a throw', async () => {
  const ids = DEFAULT_LLM_POLICY.categories.map((c) => c.id);
  const verdictish = fc.record({
    violates: fc.oneof(fc.boolean(), junkJson), category: fc.oneof(fc.constantFrom(...ids, null), nastyString), severity: fc.oneof(fc.constantFrom('S0', 'S1', 'S2', 'S3', null), nastyString),
    confidence: fc.oneof(fc.double(), junkJson), rationale: nastyString, evidence: fc.oneof(fc.array(nastyString, { maxLength: 25 }), junkJson),
  }, { requiredKeys: [] });
  const answers = fc.oneof(
    nastyString,
    junkJson.map((v) => JSON.stringify(v) ?? ''),
    verdictish.map((v) => JSON.stringify(v)),
    verdictish.map((v) => `\`\`\`json\n${JSON.stringify(v)}\n\`\`\``),
    fc.tuple(fc.constantFrom("I'm sorry", 'I cannot', '```', '```json\n{', '{"violates": true'), nastyString).map(([a, b]) => a + b),
  );
  await checkProperty('llm answers', fc.property(answers, (answer) => {
    const r = parseStructuredAnswer(answer, DEFAULT_LLM_POLICY);
    if (r.ok) {
      assert.ok(r.verdict.confidence >= 0 && r.verdict.confidence <= 1);
      assert.equal(r.verdict.violates, r.verdict.category !== null);
    } else {
      assert.ok(['refused', 'malformed'].includes(r.outcome) && r.problem.length > 0);
    }
  }), 500);
});
