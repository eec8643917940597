import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openHaven, type Haven } from '../../../src/app.js';
import { DEFAULT_RULES_SOURCE } from '../../../src/detectors/text/rules/default-rules.js';
import { deployRules } from '../../../src/detectors/text/rules/deploy.js';
import {
  addExamplesFromItems, classifierRegistry, ClassifierRegistry, compareRuns, createClassifier, createDemoSet, EvalDataError, type EvalMetrics,
  importExamples, loadEvalSet, runEvaluation, RunsNotComparableError,
} from '../../../src/learning/eval/index.js';
import { toJson } from '../../../src/store/db.js';
import { evalRunById, evalRunResults, listEvalRuns, listEvalSets } from '../../../src/store/repos/evaluation.js';
import { forEachBackend, makeBackend } from '../../helpers/stores.js';
import { testLogger } from '../../helpers/logging.js';

const ACTOR = 'test';
const NOW = Date.UTC(2030, 0, 2);

/** Neutral indicators only. */
const EXAMPLES = [
  { id: 'age-dm', text: 'how old are you?', surface: 'direct_message', authorAgeBand: 'adult', recipientAgeBands: ['13_15'], labels: ['CSE-13'] },
  { id: 'secret-dm', text: 'send me a photo', surface: 'direct_message', authorAgeBand: 'adult', recipientAgeBands: ['13_15'], labels: ['CSE-05'] },
  { id: 'practice', text: 'see you at practice tomorrow', surface: 'comment', labels: [] },
  { id: 'grade-comment', text: 'what grade are you in? my sister starts year 5 soon', surface: 'comment', labels: [] },
];
const jsonl = (rows: readonly object[]) => rows.map((r) => JSON.stringify(r)).join('\n');

async function withHaven(config: Parameters<typeof openHaven>[0], fn: (h: Haven) => Promise<void>): Promise<void> {
  const haven = await openHaven(config, { logger: testLogger(), clock: { now: () => NOW } });
  try {
    await fn(haven);
  } finally {
    await haven.close();
  }
}

test('JSONL import is all or nothing and versions the set by content', async (t) => {
  await forEachBackend(t, async (backend) => {
    await withHaven(backend.config, async (haven) => {
      const db = haven.store.db;
      const bad = `${jsonl(EXAMPLES.slice(0, 2))}\n\n{"text": "hi there", "labels": ["CSE-77"]}\nnot json\n{"text": "", "labels": []}\n${JSON.stringify(EXAMPLES[0])}\n`;
      await assert.rejects(importExamples(db, 'small', bad, { actor: ACTOR, now: NOW }), (e: unknown) => {
        assert.ok(e instanceof EvalDataError);
        assert.match(e.message, /4 problem\(s\) in the examples file, nothing added/);
        assert.match(e.message, /line 4: unknown category CSE-77 \(not in the taxonomy\)/);
        assert.match(e.message, /line 5: not valid JSON/);
        assert.match(e.message, /line 6: text: text is empty/);
        assert.match(e.message, /line 7: example id age-dm repeats line 1/);
        return true;
      });
      assert.deepEqual(await listEvalSets(db), [], 'a failed import creates nothing');

      const first = await importExamples(db, 'small', jsonl(EXAMPLES), { actor: ACTOR, now: NOW });
      assert.deepEqual([first.added, first.unchanged, first.set.examples], [4, 0, 4]);
      // The same file again changes nothing; a changed example under an existing id is refused, naming its line.
      const again = await importExamples(db, 'small', jsonl(EXAMPLES), { actor: ACTOR, now: NOW + 1 });
      assert.deepEqual([again.added, again.unchanged, again.set.contentHash], [0, 4, first.set.contentHash]);
      const changed = [{ ...EXAMPLES[2], labels: ['CSE-13'] }, { id: 'new-one', text: 'nice goal', labels: [] }];
      await assert.rejects(importExamples(db, 'small', jsonl(changed), { actor: ACTOR, now: NOW }), /line 1: example practice is already in set small with other content/);
      const { set, examples } = await loadEvalSet(db, 'small');
      assert.equal(set.examples, 4);
      assert.equal(set.contentHash, first.set.contentHash);
      const age = examples.find((e) => e.id === 'age-dm')!;
      assert.deepEqual(
        [age.surface, age.authorAgeBand, age.recipientAgeBands, age.labels, age.source, age.addedBy, age.media],
        ['direct_message', 'adult', ['13_15'], ['CSE-13'], 'import', ACTOR, []],
      );
      // The same content in another set has the same hash: the hash covers content, not provenance.
      const other = await importExamples(db, 'copy', jsonl([...EXAMPLES].reverse()), { actor: 'someone-else', now: NOW + 5 });
      assert.equal(other.set.contentHash, first.set.contentHash);
      await assert.rejects(importExamples(db, 'bad name!', jsonl(EXAMPLES), { actor: ACTOR, now: NOW }), /a set name is/);
    });
  });
});

test('examples from stored items take their context and labels; a given label supersedes', async (t) => {
  await forEachBackend(t, async (backend) => {
    await withHaven(backend.config, async (haven) => {
      const db = haven.store.db;
      await db.insertInto('accounts').values([
        { id: 'acc_adult', external_id: 'u1', age_band: 'adult', created_at: 0, first_seen_at: 0, flags: toJson([]) },
        { id: 'acc_teen', external_id: 'u2', age_band: '16_17', created_at: 0, first_seen_at: 0, flags: toJson([]) },
      ]).execute();
      const item = (id: string, text: string | null, metadata: object) => ({
        id, external_id: id, content_digest: id, surface: 'direct_message', kind: 'text', text, author_id: 'acc_adult',
        conversation_id: null, recipient_ids: toJson(['acc_teen']), created_at: 0, ingested_at: 0, metadata: toJson(metadata), status: 'processed',
      });
      await db.insertInto('items').values([
        item('item_a', 'can we meet after school?', { labels: ['CSE-13'] }),
        item('item_b', 'good game today', {}),
        item('item_c', null, { labels: [] }),
      ]).execute();

      const added = await addExamplesFromItems(db, 'from-items', ['item_a'], null, 'items', ACTOR, { now: NOW });
      assert.deepEqual([added.added, added.set.examples], [1, 1]);
      let { examples } = await loadEvalSet(db, 'from-items');
      assert.deepEqual(
        [examples[0]!.id, examples[0]!.itemId, examples[0]!.text, examples[0]!.surface, examples[0]!.authorAgeBand, examples[0]!.recipientAgeBands, examples[0]!.labels],
        ['item_a', 'item_a', 'can we meet after school?', 'direct_message', 'adult', ['16_17'], ['CSE-13']],
      );
      await assert.rejects(
        addExamplesFromItems(db, 'from-items', ['item_b', 'item_c', 'item_zz'], null, 'items', ACTOR),
        (e: unknown) => {
          assert.ok(e instanceof EvalDataError);
          assert.match(e.message, /item item_zz: no such item/);
          assert.match(e.message, /item item_b: carries no metadata\.labels/);
          assert.match(e.message, /item item_c: has no text/);
          return true;
        },
      );
      // A reviewer's label replaces the item's own, and is recorded with its source.
      const reviewed = await addExamplesFromItems(db, 'from-items', ['item_a', 'item_b'], ['CSE-05', 'CSE-13'], 'review', 'reviewer@x', { now: NOW });
      assert.deepEqual([reviewed.added, reviewed.replaced, reviewed.set.examples], [1, 1, 2]);
      assert.notEqual(reviewed.set.contentHash, added.set.contentHash);
      ({ examples } = await loadEvalSet(db, 'from-items'));
      assert.deepEqual(examples.map((e) => [e.id, e.labels, e.source, e.addedBy]), [
        ['item_a', ['CSE-05', 'CSE-13'], 'review', 'reviewer@x'],
        ['item_b', ['CSE-05', 'CSE-13'], 'review', 'reviewer@x'],
      ]);
      await assert.rejects(addExamplesFromItems(db, 'from-items', ['item_a'], ['CSE-99'], 'review', ACTOR), /unknown category CSE-99/);
    });
  });
});

test('a rules run stores results and metrics; compare lists where two rules versions disagree', async (t) => {
  await forEachBackend(t, async (backend) => {
    await withHaven(backend.config, async (haven) => {
      const db = haven.store.db;
      await importExamples(db, 'small', jsonl(EXAMPLES), { actor: ACTOR, now: NOW });

      const v1 = await createClassifier({ q: db }, 'rules');
      assert.deepEqual(v1.config, { detector: 'text.rules', detectorVersion: '1', rulesVersion: 1 });
      const progress: number[] = [];
      const before = await runEvaluation(db, 'small', v1, { actor: ACTOR, concurrency: 2, onProgress: (done) => progress.push(done), now: () => NOW });
      assert.deepEqual(progress, [1, 2, 3, 4]);
      assert.equal(before.run.status, 'done');
      assert.deepEqual(before.run.threshold, { kind: 'fixed', value: 0.5 });
      // Version 1: the age question alone (weight 0.2) stays below 0.5; a photo request to a minor reaches CSE-05.
      assert.deepEqual(before.metrics.categories['CSE-13'], { support: 1, truePositives: 0, falsePositives: 0, falseNegatives: 1, precision: null, recall: 0, f1: 0 });
      assert.equal(before.metrics.categories['CSE-05']?.truePositives, 1);
      assert.equal(before.metrics.examples, 4);
      const stored = await evalRunById(db, before.run.id);
      assert.deepEqual((stored!.metrics as EvalMetrics).micro, before.metrics.micro);
      const results = await evalRunResults(db, stored!);
      assert.deepEqual(results.map((r) => r.exampleId), ['age-dm', 'grade-comment', 'practice', 'secret-dm']);
      const age = results[0]!;
      assert.deepEqual([age.labels, age.predicted, age.error, age.costUsd, age.text], [['CSE-13'], [], null, 0, 'how old are you?']);
      assert.deepEqual(age.scores, [{ category: 'CSE-13', score: 0.2 }]);

      // Version 2 gives the age question more weight: it now fires alone, on the DM and on the harmless comment.
      const source = DEFAULT_RULES_SOURCE.replace('category: CSE-13\n    weight: 0.2\n', 'category: CSE-13\n    weight: 0.6\n');
      assert.notEqual(source, DEFAULT_RULES_SOURCE);
      await deployRules(haven.configs, { source, format: 'yaml', reason: 'weigh age questions more', actor: ACTOR });
      const after = await runEvaluation(db, 'small', await createClassifier({ q: db }, 'rules'), { actor: ACTOR, now: () => NOW + 1 });
      assert.equal(after.run.classifierConfig.rulesVersion, 2);
      assert.deepEqual(after.metrics.categories['CSE-13'], { support: 1, truePositives: 1, falsePositives: 1, falseNegatives: 0, precision: 0.5, recall: 1, f1: 0.6667 });
      const pinned = await createClassifier({ q: db }, 'rules@1');
      assert.equal(pinned.config.rulesVersion, 1);

      const cmp = await compareRuns(db, before.run.id, after.run.id);
      assert.deepEqual(cmp.disagreements.shown.map((d) => [d.exampleId, d.correct, d.a, d.b]), [
        ['age-dm', 'b', [], [{ category: 'CSE-13', score: 0.6 }]],
        ['grade-comment', 'a', [], [{ category: 'CSE-13', score: 0.6 }]],
      ]);
      assert.equal(cmp.disagreements.total, 2);
      assert.equal(cmp.disagreements.shown[0]!.excerpt, 'how old are you?');
      const cse13 = cmp.categories.find((c) => c.category === 'CSE-13')!;
      assert.deepEqual(cse13.delta, { precision: null, recall: 1, f1: 0.6667 });
      const bounded = await compareRuns(db, before.run.id, after.run.id, { limit: 1 });
      assert.deepEqual([bounded.disagreements.total, bounded.disagreements.shown.length], [2, 1]);

      // After the set changes, old runs cannot be compared with new ones.
      await importExamples(db, 'small', jsonl([{ id: 'extra', text: 'nice goal', labels: [] }]), { actor: ACTOR, now: NOW });
      const later = await runEvaluation(db, 'small', pinned, { actor: ACTOR, now: () => NOW + 2 });
      await assert.rejects(compareRuns(db, before.run.id, later.run.id), (e: unknown) => {
        assert.ok(e instanceof RunsNotComparableError);
        assert.match(e.message, /were made on different contents of set small \(content [0-9a-f]{12} vs [0-9a-f]{12}\): run both again/);
        return true;
      });
      assert.deepEqual((await listEvalRuns(db)).map((r) => r.id), [later.run.id, after.run.id, before.run.id]);
    });
  });
});

test('the pipeline classifier predicts at the policy review thresholds; a failing classifier is recorded per example', async (t) => {
  await forEachBackend(t, async (backend) => {
    await withHaven(backend.config, async (haven) => {
      const db = haven.store.db;
      await importExamples(db, 'small', jsonl(EXAMPLES), { actor: ACTOR, now: NOW });
      const pipeline = await createClassifier({ q: db }, 'pipeline');
      const run = await runEvaluation(db, 'small', pipeline, { actor: ACTOR });
      assert.deepEqual(run.run.threshold, { kind: 'classifier', description: 'policy v1 review thresholds' });
      assert.equal(run.run.classifierConfig.policyVersion, 1);
      // CSE-05 reviews from 0.3 on direct messages: the photo request to a minor is predicted.
      assert.equal(run.metrics.categories['CSE-05']?.truePositives, 1);
      await assert.rejects(createClassifier({ q: db }, 'model'), /no model is live/);
      await assert.rejects(createClassifier({ q: db }, 'nope'), /no classifier named nope; known: rules, model, pipeline/);
      await assert.rejects(createClassifier({ q: db }, 'rules@x'), /a rules version is a whole number/);
      await assert.rejects(createClassifier({ q: db }, 'rules@9'), /no rules version 9/);

      const flaky = {
        name: 'flaky', config: { version: 'test' },
        classify: async (e: { id: string }) => {
          if (e.id === 'practice') throw new Error('upstream timeout');
          return { categories: [{ category: 'CSE-13', score: 0.7 }], costUsd: 0.001, latencyMs: 10 };
        },
      };
      const r = await runEvaluation(db, 'small', flaky, { actor: ACTOR, threshold: 0.6 });
      assert.deepEqual([r.metrics.errors, r.metrics.scored, r.run.errors, r.run.costUsd], [1, 3, 1, 0.003]);
      const failed = (await evalRunResults(db, r.run)).find((x) => x.exampleId === 'practice')!;
      assert.equal(failed.error, 'upstream timeout');
    });
  });
});

test('registering a classifier: by name with versions, or by pattern', async () => {
  const registry = new ClassifierRegistry();
  const made: string[] = [];
  registry.register('llm', (_ctx, req) => {
    made.push(`${req.name}|${req.version}`);
    return { name: req.name, config: { prompt: req.version ?? 'latest' }, classify: async () => ({ categories: [], costUsd: 0, latencyMs: 0 }) };
  }, 'an LLM');
  registry.register(/cascade-(\w+)/, (_ctx, req) => ({
    name: req.name, config: { mode: req.match?.[1] }, classify: async () => ({ categories: [], costUsd: 0, latencyMs: 0 }),
  }));
  const ctx = { q: null as never };
  assert.deepEqual((await registry.create(ctx, 'llm@p3')).config, { prompt: 'p3' });
  assert.deepEqual((await registry.create(ctx, 'llm')).config, { prompt: 'latest' });
  assert.deepEqual((await registry.create(ctx, 'cascade-fast')).config, { mode: 'fast' });
  assert.deepEqual(made, ['llm@p3|p3', 'llm|null']);
  assert.equal(registry.resolve('llmx'), null);
  assert.throws(() => registry.register('llm', () => { throw new Error('unused'); }), /classifier llm is already registered/);
  assert.deepEqual(classifierRegistry.list().map((c) => c.pattern).slice(0, 3), ['rules', 'model', 'pipeline']);
});

test('a demo set is a deterministic, labelled sample with the context rules need', async (t) => {
  const backend = await makeBackend('sqlite');
  t.after(() => backend.cleanup());
  await withHaven(backend.config, async (haven) => {
    const db = haven.store.db;
    const a = await createDemoSet(db, { name: 'demo-a', size: 60, actor: ACTOR, now: NOW });
    const b = await createDemoSet(db, { name: 'demo-b', size: 60, actor: ACTOR, now: NOW });
    assert.equal(a.set.examples, 60);
    assert.equal(a.set.contentHash, b.set.contentHash);
    await assert.rejects(createDemoSet(db, { name: 'demo-a', actor: ACTOR, now: NOW }), /set demo-a already exists/);
    const { examples } = await loadEvalSet(db, 'demo-a');
    assert.ok(examples.every((e) => e.source === 'demo' && e.text && e.surface !== null), 'every demo example carries its surface');
    assert.ok(examples.some((e) => e.labels.length > 0) && examples.some((e) => e.labels.length === 0));
    const risky = examples.filter((e) => e.labels.length > 0);
    assert.ok(risky.every((e) => e.authorAgeBand === 'adult' && e.recipientAgeBands.length > 0), 'risky demo lines are adult-to-minor messages');
  });
});
