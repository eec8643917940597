import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RULES_SOURCE, defaultRulesDocument } from '../../../src/detectors/text/rules/default-rules.js';
import { rulesDocumentSchema } from '../../../src/detectors/text/rules/format.js';
import { compileLinear } from '../../../src/detectors/text/rules/linear-regex.js';
import { parseRuleFile, RuleFileError } from '../../../src/detectors/text/rules/parse.js';
import { RuleSet } from '../../../src/detectors/text/rules/rule-set.js';
import { INDICATORS } from '../../../src/detectors/indicators.js';

/** The messages of a refused file, one per problem. */
function refusal(source: string, format: 'yaml' | 'json' = 'yaml'): string[] {
  try {
    parseRuleFile(source, format);
  } catch (e) {
    assert.ok(e instanceof RuleFileError, String(e));
    return e.message.split('\n');
  }
  assert.fail('the file was accepted');
}

const rule = (id: string, extra = '') => `  - id: ${id}
    description: a rule
    category: CSE-05
    weight: 0.5
    match:
      terms: [keep this between us]
${extra}`;

test('the default rules parse, compile and cover every indicator', () => {
  const doc = defaultRulesDocument();
  assert.equal(rulesDocumentSchema.safeParse(doc).success, true);
  const set = RuleSet.compile(doc.rules, 1);
  assert.ok(set.ruleCount >= INDICATORS.length);
  const used = new Set(doc.rules.rules.map((r) => r.indicator));
  for (const i of INDICATORS) assert.ok(used.has(i), `no default rule tags ${i}`);
  assert.equal(doc.source, DEFAULT_RULES_SOURCE);
});

test('an unknown category is refused with its line and path', () => {
  const source = [
    'formatVersion: 1', // 1
    'lists:', // 2
    '  secrecy: [our little secret]', // 3
    'rules:', // 4
    rule('first').trimEnd(), // 5-10
    rule('second').trimEnd(), // 11-16
    '  - id: third', // 17
    '    description: a rule', // 18
    '    category: CSE-99', // 19
    '    weight: 0.5', // 20
    '    match: { terms: secrecy }', // 21
  ].join('\n');
  assert.deepEqual(refusal(source), ["line 19: rules[2].category: unknown category 'CSE-99'"]);
});

test('duplicate ids, unknown lists and non-linear regexes are each refused with their line', () => {
  const source = `formatVersion: 1
rules:
${rule('same')}${rule('same')}  - id: other
    description: a rule
    category: CSE-05
    weight: 0.5
    match:
      any:
        - terms: no_such_list
        - regex: "(a)\\\\1"
        - regex: "secret(?=ly)"
        - near: { a: missing, b: [photo], within: 2 }
`;
  assert.deepEqual(refusal(source), [
    "line 9: rules[1].id: duplicate rule id 'same' (first used by rules[0])",
    "line 21: rules[2].match.any[0].terms: unknown list 'no_such_list'",
    ...['22', '23'].map((line, i) => `line ${line}: rules[2].match.any[${i + 1}].regex: this regular expression cannot run in linear time: `
      + 'backreferences (\\1), lookahead/lookbehind ((?=, (?!, (?<=, (?<!) and counted repetition above 16 (x{17}, x{2,50}) are not allowed'),
    "line 24: rules[2].match.any[3].near.a: unknown list 'missing'",
  ]);
});

test('structural problems name the line: bad weight, unknown field, missing field, two match kinds, bad indicator', () => {
  const source = `formatVersion: 1
rules:
  - id: a
    description: a rule
    category: CSE-05
    weight: 0
    match: { terms: [x y] }
  - id: b
    description: a rule
    category: CSE-05
    weight: 0.2
    colour: blue
    match: { terms: [x y] }
  - id: c
    description: a rule
    category: CSE-05
    match: { terms: [x y], regex: "x" }
    indicator: gossip
`;
  const lines = refusal(source);
  assert.ok(lines.includes('line 6: rules[0].weight: weight must be above 0'), lines.join('\n'));
  assert.ok(lines.includes("line 12: rules[1]: unknown field 'colour'"), lines.join('\n'));
  assert.ok(lines.some((l) => l.startsWith('line 14: rules[2].weight: ')), lines.join('\n'));
  assert.ok(lines.some((l) => l.startsWith('line 17: rules[2].match: a match has exactly one of')), lines.join('\n'));
  assert.ok(lines.some((l) => l.startsWith('line 18: rules[2].indicator: ')), lines.join('\n'));
});

test('YAML and JSON syntax errors, a wrong format version and an empty file are refused with a line', () => {
  assert.match(refusal('formatVersion: 1\nrules:\n  - id: [unclosed\n')[0] as string, /^line \d+: not valid YAML: /);
  assert.match(refusal('{\n  "formatVersion": 1,\n  "rules": [\n}\n', 'json')[0] as string, /^line \d: not valid JSON: /);
  assert.deepEqual(refusal('formatVersion: 2\nrules: []\n'), [
    'line 1: formatVersion: formatVersion must be 1',
    'line 2: rules: a rule file needs at least one rule',
  ]);
  assert.equal(refusal('').length, 1);
});

test('a JSON rule file with a bad category names its line', () => {
  const json = JSON.stringify({
    formatVersion: 1,
    rules: [{ id: 'x', description: 'd', category: 'CSE-05', weight: 0.3, match: { terms: ['a b'] } },
      { id: 'y', description: 'd', category: 'CSE-77', weight: 0.3, match: { regex: 'ab+c' } }],
  }, null, 2);
  const line = json.split('\n').findIndex((l) => l.includes('CSE-77')) + 1;
  assert.deepEqual(refusal(json, 'json'), [`line ${line}: rules[1].category: unknown category 'CSE-77'`]);
});

test('regular expressions: a syntax error, empty matches, too long and too many are refused', () => {
  const withRegex = (re: string) => `formatVersion: 1\nrules:\n  - id: r\n    description: d\n    category: CSE-05\n    weight: 0.5\n    match: { regex: ${JSON.stringify(re)} }\n`;
  assert.match(refusal(withRegex('(ab'))[0] as string, /^line 7: rules\[0\]\.match\.regex: invalid regular expression: /);
  assert.match(refusal(withRegex('a*'))[0] as string, /matches empty text/);
  assert.match(refusal(withRegex('a'.repeat(501)))[0] as string, /^line 7: rules\[0\]\.match\.regex: Too big/);
  const ruleWith67 = (id: number) => `  - id: r${id}\n    description: d\n    category: CSE-05\n    weight: 0.5\n    match:\n      any:\n${'        - regex: "ab"\n'.repeat(67)}`;
  const many = `formatVersion: 1\nrules:\n${ruleWith67(1)}${ruleWith67(2)}${ruleWith67(3)}`;
  assert.deepEqual(refusal(many), ['line 3: rules: 201 regular expressions; at most 200 are allowed']);
});

test('a catastrophic-backtracking pattern is either refused or compiled for the linear engine', () => {
  const r = compileLinear('(a+)+$');
  if (r.ok) assert.ok(r.regex.flags.includes('l'), 'accepted patterns must run on the linear engine');
  else assert.match(r.reason, /linear/);
  // Case-insensitive by lowering the pattern's letters (the text is lower case); escapes keep their meaning.
  const upper = compileLinear('Are\\sYOU\\S');
  assert.ok(upper.ok);
  assert.equal(upper.ok && upper.regex.source, 'are\\syou\\S');
});

test('a hostile file nested thousands deep is refused, not a stack overflow', () => {
  const deep = (n: number) => `formatVersion: 1\nrules: ${'['.repeat(n)}${']'.repeat(n)}\n`;
  assert.deepEqual(refusal(deep(100)), ['the file nests deeper than 40 levels']);
  assert.equal(refusal(deep(5000)).length, 1);
});
