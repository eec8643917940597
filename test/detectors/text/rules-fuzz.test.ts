// Rule files are written by people and pasted into the API: whatever text arrives, the parser either returns a
// rule file or throws RuleFileError naming the problem, and a valid file reads the same in YAML and in JSON.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { DEFAULT_RULES_SOURCE } from '../../../src/detectors/text/rules/default-rules.js';
import { parseRuleFile, RuleFileError } from '../../../src/detectors/text/rules/parse.js';
import { checkProperty, junkJson, nastyString } from '../../helpers/arbitraries.js';

/** Parses, and fails the property on anything but a returned file or a RuleFileError with a message. */
function parsesOrRefuses(source: string, format: 'yaml' | 'json'): void {
  try {
    parseRuleFile(source, format);
  } catch (e) {
    assert.ok(e instanceof RuleFileError, `${format} parser threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
    assert.ok(e.issues.length > 0 && e.message.length > 0, 'a RuleFileError names at least one problem');
  }
}

/** Text edits of a valid file: a character cut, a span replaced by junk, the file truncated. */
const mutated = (source: string) => fc.tuple(fc.nat({ max: source.length }), fc.nat({ max: 40 }), nastyString).map(
  ([at, cut, insert]) => source.slice(0, at) + insert + source.slice(Math.min(source.length, at + cut)),
);

const yamlish = fc.array(fc.oneof(nastyString, fc.constantFrom('formatVersion: 1', 'rules:', '  - id: x', '    match:', 'lists: {a: [b]}', '&a [*a, *a]', '- ', ': ', '"', "'", '{', '[', '!!binary', '%YAML 1.2', '---', '...', '<<: *a', '\t')), { maxLength: 12 })
  .map((lines) => lines.join('\n'));

test('arbitrary text and JSON never make the rule parser throw anything but RuleFileError', async () => {
  await checkProperty('rules: arbitrary text', fc.property(fc.oneof(nastyString, yamlish), fc.constantFrom('yaml' as const, 'json' as const), (s, format) => parsesOrRefuses(s, format)), 300);
  await checkProperty('rules: arbitrary JSON values', fc.property(junkJson, (v) => {
    const source = JSON.stringify(v) ?? 'null';
    parsesOrRefuses(source, 'json');
    parsesOrRefuses(source, 'yaml');
  }), 200);
  await checkProperty('rules: edits of the default rules', fc.property(mutated(DEFAULT_RULES_SOURCE), (s) => parsesOrRefuses(s, 'yaml')), 150);
});

test('hostile rule files are refused with a named problem', () => {
  const refusals: [string, string, RegExp][] = [
    ['alias bomb', `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`, /alias|formatVersion|unknown field/i],
    ['deep nesting', `${'['.repeat(5000)}${']'.repeat(5000)}`, /deeper|nest|stack|expected object/i],
  ];
  for (const [name, source, pattern] of refusals) {
    assert.throws(() => parseRuleFile(source, 'yaml'), (e: unknown) => e instanceof RuleFileError && pattern.test(e.message), name);
  }
});

const ruleFiles = fc.record({
  lists: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/), fc.array(fc.stringMatching(/^[a-z]{2,8}( [a-z]{2,8})?$/), { minLength: 1, maxLength: 4 }), { maxKeys: 3 }),
  rules: fc.uniqueArray(fc.record({
    id: fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/),
    weight: fc.double({ min: 0.01, max: 1, noNaN: true }),
    terms: fc.array(fc.stringMatching(/^[a-z]{2,8}$/), { minLength: 1, maxLength: 3 }),
  }), { minLength: 1, maxLength: 5, selector: (r) => r.id }),
}).map(({ lists, rules }) => ({
  formatVersion: 1,
  lists: Object.keys(lists).length > 0 ? lists : undefined,
  rules: rules.map((r) => ({ id: r.id, description: `rule ${r.id}`, category: 'CSE-05', weight: r.weight, match: { terms: r.terms } })),
}));

test('a valid rule file reads the same written as YAML or JSON, and again after a round trip', async () => {
  await checkProperty('rules: round trip', fc.property(ruleFiles, (file) => {
    const json = JSON.parse(JSON.stringify(file)) as unknown;
    const fromJson = parseRuleFile(JSON.stringify(json, null, 2), 'json');
    const fromYaml = parseRuleFile(stringify(json), 'yaml');
    assert.deepEqual(fromYaml, fromJson);
    assert.deepEqual(parseRuleFile(stringify(fromYaml), 'yaml'), fromYaml);
  }), 100);
  const defaults = parseRuleFile(DEFAULT_RULES_SOURCE, 'yaml');
  assert.deepEqual(parseRuleFile(JSON.stringify(defaults), 'json'), defaults);
});
