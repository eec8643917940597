import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_RULES_SOURCE } from '../../src/detectors/text/rules/default-rules.js';
import { runHaven, tempDir } from '../helpers/cli.js';

/** Neutral indicators only. */
const EXAMPLES = [
  { id: 'age-dm', text: 'how old are you?', surface: 'direct_message', authorAgeBand: 'adult', recipientAgeBands: ['13_15'], labels: ['CSE-13'] },
  { id: 'secret-dm', text: 'send me a photo', surface: 'direct_message', authorAgeBand: 'adult', recipientAgeBands: ['13_15'], labels: ['CSE-05'] },
  { id: 'practice', text: 'see you at practice tomorrow', surface: 'comment', labels: [] },
  { id: 'grade-comment', text: 'what grade are you in? my sister starts year 5 soon', surface: 'comment', labels: [] },
];

test('haven eval import / run / runs / show / compare on a temporary database', { timeout: 180_000 }, async (t) => {
  const dataDir = tempDir(t);
  const inputs = tempDir(t, 'haven-cli-input-');
  const haven = (...args: string[]) => runHaven(args, { dataDir });
  const good = join(inputs, 'set.jsonl');
  writeFileSync(good, EXAMPLES.map((e) => JSON.stringify(e)).join('\n'));
  const bad = join(inputs, 'bad.jsonl');
  writeFileSync(bad, '{"text": "see you at practice", "labels": []}\n{"text": "what grade are you in", "labels": ["CSE-77"]}\n');
  const rules = join(inputs, 'rules.yaml');
  writeFileSync(rules, DEFAULT_RULES_SOURCE.replace('category: CSE-13\n    weight: 0.2\n', 'category: CSE-13\n    weight: 0.6\n'));

  const refused = await haven('eval', 'import', 'small', bad);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /nothing added:\nline 2: unknown category CSE-77/);
  assert.match((await haven('eval', 'sets')).stdout, /^no evaluation sets yet/);

  const imported = await haven('eval', 'import', 'small', good);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /^set small: 4 added; 4 examples, content [0-9a-f]{12}\n$/);
  assert.match((await haven('eval', 'sets')).stdout, /^set\s+examples\s+content.*\nsmall\s+4\s+[0-9a-f]{12}\s/);

  const first = await haven('eval', 'run', 'small', '--classifier', 'rules');
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^run (\w+) {2}DONE\nclassifier rules \(detector=text\.rules detectorVersion=1 rulesVersion=1\), threshold 0\.5\n/);
  assert.match(first.stdout, /\ncategory\s+support\s+TP\s+FP\s+FN\s+precision\s+recall\s+F1\n/);
  assert.match(first.stdout, /\nCSE-13\s+1\s+0\s+0\s+1\s+-\s+0\.0000\s+0\.0000\n/);
  assert.match(first.stdout, /\ntrue \\ predicted\s+benign\s+CSE-05\s+CSE-13\nbenign\s+2\s+0\s+0\nCSE-05\s+0\s+1\s+0\nCSE-13\s+1\s+0\s+0\n/);
  assert.match(first.stdout, /\ncost: \$0\.0000 total, \$0\.0000 per item\nlatency: p50 [\d.]+ ms, p90 [\d.]+ ms, p99 [\d.]+ ms\n/);
  const runA = /\nrun id: (\w+)\n$/.exec(first.stdout)?.[1];
  assert.ok(runA);

  const deployed = await haven('rules', 'deploy', rules, '--reason', 'weigh age questions more');
  assert.equal(deployed.code, 0, deployed.stderr);
  const second = await haven('eval', 'run', 'small', '--classifier', 'rules', '--json');
  assert.equal(second.code, 0, second.stderr);
  const report = JSON.parse(second.stdout) as { run: { id: string; classifierConfig: { rulesVersion: number } }; metrics: { categories: Record<string, { f1: number }> } };
  assert.equal(report.run.classifierConfig.rulesVersion, 2);
  assert.equal(report.metrics.categories['CSE-13']?.f1, 0.6667);
  const runB = report.run.id;

  const runs = await haven('eval', 'runs', 'small');
  assert.equal(runs.code, 0, runs.stderr);
  assert.match(runs.stdout, new RegExp(`^run\\s+set.*\\n${runB}\\s+small\\s.*\\n${runA}\\s+small\\s`));

  const show = await haven('eval', 'show', runA);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, new RegExp(`^run ${runA} {2}DONE\\n`));
  assert.match(show.stdout, /\nall \(micro\)\s+2\s+1\s+0\s+1\s+1\.0000\s+0\.5000\s+0\.6667\n/);

  const compared = await haven('eval', 'compare', runA, runB);
  assert.equal(compared.code, 0, compared.stderr);
  assert.match(compared.stdout, /\ncategory\s+support\s+P A\s+P B\s+ΔP\s+R A\s+R B\s+ΔR\s+F1 A\s+F1 B\s+ΔF1\n/);
  assert.match(compared.stdout, /\nCSE-13\s+1\s+-\s+0\.5000\s+-\s+0\.0000\s+1\.0000\s+\+1\.0000\s+0\.0000\s+0\.6667\s+\+0\.6667\n/);
  assert.match(compared.stdout, /\n2 example\(s\) where A and B disagree:\nage-dm {2}"how old are you\?"\n {2}labels: CSE-13; A: benign; B: CSE-13 0\.60 \(B matches the labels\)\ngrade-comment /);

  const json = await haven('eval', 'compare', runA, runB, '--limit', '1', '--json');
  assert.equal(json.code, 0, json.stderr);
  const cmp = JSON.parse(json.stdout) as { disagreements: { total: number; shown: { exampleId: string }[] } };
  assert.deepEqual([cmp.disagreements.total, cmp.disagreements.shown.map((d) => d.exampleId)], [2, ['age-dm']]);

  assert.equal((await haven('eval', 'show', 'nope')).stderr, 'haven: no evaluation run nope (see haven eval runs)\n');
  assert.match((await haven('eval', 'run', 'small', '--classifier', 'rules', '--threshold', '2')).stderr, /--threshold must be a number between 0 and 1/);
  assert.match((await haven('eval', 'run', 'missing', '--classifier', 'rules')).stderr, /no evaluation set named missing/);
});
