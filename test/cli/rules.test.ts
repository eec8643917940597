import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_RULES_SOURCE } from '../../src/detectors/text/rules/default-rules.js';
import { runHaven, tempDir } from '../helpers/cli.js';

const RULES = `formatVersion: 1
lists:
  secrecy: [our little secret, keep this between us]
rules:
  - id: secrecy
    description: asks for secrecy
    category: CSE-05
    weight: 0.5
    indicator: secrecy
    match: { terms: secrecy }
  - id: secrecy-to-minor
    description: an adult asks a minor for secrecy
    category: CSE-05
    weight: 0.3
    indicator: secrecy
    match: { terms: secrecy }
    when: { authorAgeBands: [adult], recipientAgeBands: [13_15] }
`;

test('haven rules test, deploy, show and versions', { timeout: 180_000 }, async (t) => {
  const dataDir = tempDir(t);
  const inputs = tempDir(t, 'haven-rules-input-');
  const write = (name: string, text: string) => {
    const path = join(inputs, name);
    writeFileSync(path, text);
    return path;
  };
  const haven = (...args: string[]) => runHaven(args, { dataDir });
  const rulesFile = write('rules.yaml', RULES);

  await t.test('test --on FILE.jsonl prints highlighted hits and counts by rule', async () => {
    const samples = write('samples.jsonl', [
      JSON.stringify({ text: 'this is OUR little secret ok?', authorAgeBand: 'adult', recipientAgeBands: ['13_15'] }),
      '',
      JSON.stringify({ text: 'see you at practice' }),
      JSON.stringify({ text: 'keep this between us', surface: 'comment' }),
    ].join('\n'));
    const r = await haven('rules', 'test', rulesFile, '--on', samples);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, [
      '#1: this is [[OUR little secret]] ok?',
      '  secrecy (CSE-05, weight 0.5, secrecy): "OUR little secret"@8-25',
      '  secrecy-to-minor (CSE-05, weight 0.3, secrecy): "OUR little secret"@8-25',
      '#3: [[keep this between us]]',
      '  secrecy (CSE-05, weight 0.5, secrecy): "keep this between us"@0-20',
      '',
      '2 of 3 samples matched',
      '  secrecy           CSE-05       2',
      '  secrecy-to-minor  CSE-05       1',
      '',
    ].join('\n'));
    const json = await haven('rules', 'test', rulesFile, '--on', samples, '--json');
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout);
    assert.equal(report.matchedSamples, 2);
    assert.deepEqual(report.results[0].hits[0].spans, [{ start: 8, end: 25, text: 'OUR little secret' }]);
  });

  await t.test('bad sample lines and bad rule files are refused with their line numbers', async () => {
    const bad = write('bad.jsonl', `${JSON.stringify({ text: 'fine' })}\n{"text": 5}\nnot json\n`);
    const r = await haven('rules', 'test', rulesFile, '--on', bad);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /line 2: text: /);
    assert.match(r.stderr, /line 3: not valid JSON/);
    const badRules = write('bad.yaml', RULES.replace('category: CSE-05\n    weight: 0.3', 'category: CSE-99\n    weight: 0.3'));
    const refused = await haven('rules', 'deploy', badRules, '--reason', 'try');
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, `haven: ${badRules} was refused:\nline 13: rules[1].category: unknown category 'CSE-99'\n`);
  });

  await t.test('test --on demo runs over the demo world and finds its risky conversations', async () => {
    const r = await haven('rules', 'test', write('defaults.yaml', DEFAULT_RULES_SOURCE), '--on', 'demo', '--accounts', '20', '--json');
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.ok(report.samples > 20);
    assert.ok(report.matchedSamples > 0);
    for (const res of report.results) assert.match(res.highlighted, /\[\[.+\]\]/);
  });

  await t.test('deploy makes a version; show prints its source; versions lists it', async () => {
    const before = await haven('rules', 'show');
    assert.equal(before.code, 0, before.stderr);
    assert.equal(before.stdout, DEFAULT_RULES_SOURCE);
    assert.match(before.stderr, /rules version 1 \(yaml\) by system: initial version/);
    const d = await haven('rules', 'deploy', rulesFile, '--reason', 'secrecy rules for review');
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.stdout, 'rules version 2 deployed: 2 rules\n');
    const shown = await haven('rules', 'show', '2');
    assert.equal(shown.stdout, RULES);
    const versions = await haven('rules', 'versions');
    assert.match(versions.stdout, /^2\t\S+\tcli:\S+\tsecrecy rules for review\n1\t\S+\tsystem\tinitial version\n$/);
  });
});
