import { readFileSync } from 'node:fs';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import {
  addExamplesFromItems, classifierRegistry, compareRuns, createClassifier, createDemoSet, DEFAULT_DEMO_SET_SEED, DEFAULT_DEMO_SET_SIZE, EXAMPLE_SOURCES,
  type ExampleSource, importExamples, runEvaluation, runMetrics, type StoreOutcome,
} from '../../learning/eval/index.js';
import { renderComparison, renderRunReport, renderRuns, renderSets, renderTable } from '../../learning/eval/format.js';
import { evalRunById, evalSetByName, listEvalRuns, listEvalSets } from '../../store/repos/evaluation.js';
import { withHaven } from '../context.js';

const CLI_ACTOR = `cli:${process.env.USER ?? 'operator'}`;

function positiveInt(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
  return n;
}

function unitInterval(value: string, name: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1)) throw new Error(`${name} must be a number between 0 and 1, got ${value}`);
  return n;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const json = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

function stored(o: StoreOutcome): string {
  const parts = [`${o.added} added`];
  if (o.replaced) parts.push(`${o.replaced} replaced`);
  if (o.unchanged) parts.push(`${o.unchanged} already there`);
  return `set ${o.set.name}: ${parts.join(', ')}; ${o.set.examples} examples, content ${o.set.contentHash.slice(0, 12)}\n`;
}

export function evalCommands(program: Command): void {
  const ev = program.command('eval').description('evaluation: labelled sets, classifier runs with metrics, comparisons between runs');

  ev.command('sets')
    .description('every evaluation set with its size and content hash')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withHaven(async (haven) => {
        const sets = await listEvalSets(haven.store.db);
        if (o.json) json(sets);
        else process.stdout.write(renderSets(sets));
      });
    });

  ev.command('import')
    .argument('<set>', 'set name (created when missing)')
    .argument('<file>', 'JSONL: {"text", "labels": [...][, "id", "surface", "authorAgeBand", "recipientAgeBands"]} per line')
    .description('add labelled examples from a JSONL file: all of them, or none when a line is wrong')
    .action(async (setName: string, file: string) => {
      const content = readFileSync(file, 'utf8');
      await withHaven(async (haven) => {
        process.stdout.write(stored(await importExamples(haven.store.db, setName, content, { actor: CLI_ACTOR, now: haven.clock.now() })));
      });
    });

  ev.command('add-items')
    .argument('<set>', 'set name (created when missing)')
    .argument('<items...>', 'item ids')
    .description("add stored items: their text and context, labelled with --label (or --benign), else with the item's metadata.labels")
    .option('--label <category>', 'a label for every item given (repeat for several; the first is primary)', collect, [])
    .option('--benign', 'label the items benign')
    .option('--source <source>', `where the labels come from: ${EXAMPLE_SOURCES.filter((s) => s !== 'import' && s !== 'demo').join(', ')}`, 'items')
    .action(async (setName: string, items: string[], o: { label: string[]; benign?: boolean; source: string }) => {
      if (o.benign && o.label.length > 0) throw new Error('--benign and --label exclude each other');
      if (!['items', 'review', 'escalation'].includes(o.source)) throw new Error(`--source is one of items, review, escalation, got ${o.source}`);
      const labels = o.benign ? [] : o.label.length > 0 ? o.label : null;
      await withHaven(async (haven) => {
        const outcome = await addExamplesFromItems(haven.store.db, setName, items, labels, o.source as ExampleSource, CLI_ACTOR, { now: haven.clock.now() });
        process.stdout.write(stored(outcome));
      });
    });

  ev.command('demo-set')
    .description('create a set sampled (deterministically) from the demo generator\'s labelled rows')
    .option('--name <name>', 'set name', 'demo')
    .option('--size <n>', 'examples', String(DEFAULT_DEMO_SET_SIZE))
    .option('--seed <n>', 'seed of the demo world and of the sample (1 is the world the demo model learns from)', String(DEFAULT_DEMO_SET_SEED))
    .action(async (o: { name: string; size: string; seed: string }) => {
      const size = positiveInt(o.size, '--size');
      const seed = positiveInt(o.seed, '--seed');
      await withHaven(async (haven) => {
        process.stdout.write(stored(await createDemoSet(haven.store.db, { name: o.name, size, seed, actor: CLI_ACTOR, now: haven.clock.now() })));
      });
    });

  ev.command('classifiers')
    .description('classifiers that can be evaluated')
    .action(() => {
      process.stdout.write(renderTable(['classifier', 'what'], classifierRegistry.list().map((c) => [c.pattern, c.description])));
    });

  ev.command('run')
    .argument('<set>', 'set name')
    .requiredOption('--classifier <name>', 'rules, rules@N, model, model@N, pipeline (see haven eval classifiers)')
    .option('--threshold <x>', 'predict a category at this score (default 0.5; the policy review thresholds for pipeline)')
    .option('--concurrency <n>', 'examples classified at once', '4')
    .option('--json', 'print JSON')
    .description('classify every example of a set and store the run: per-category metrics, confusion matrix, cost, latency')
    .action(async (setName: string, o: { classifier: string; threshold?: string; concurrency: string; json?: boolean }) => {
      const threshold = o.threshold === undefined ? undefined : unitInterval(o.threshold, '--threshold');
      const concurrency = positiveInt(o.concurrency, '--concurrency');
      await withHaven(async (haven) => {
        const db = haven.store.db;
        if (!(await evalSetByName(db, setName))) throw new Error(`no evaluation set named ${setName} (see haven eval sets)`);
        const classifier = await createClassifier({ q: db, config: haven.config }, o.classifier);
        const bar = !o.json && process.stderr.isTTY
          ? new SingleBar({ format: 'eval [{bar}] {value}/{total} examples | ETA {eta_formatted}', stream: process.stderr }, Presets.shades_classic)
          : null;
        let started = false;
        try {
          const report = await runEvaluation(db, setName, classifier, {
            actor: CLI_ACTOR, threshold, concurrency, now: () => haven.clock.now(),
            onProgress: (done, total) => {
              if (!bar) return;
              if (!started) bar.start(total, 0);
              started = true;
              bar.update(done);
            },
          });
          bar?.stop();
          if (o.json) json(report);
          else process.stdout.write(`${renderRunReport(report.run, report.metrics)}run id: ${report.run.id}\n`);
        } finally {
          bar?.stop();
        }
      });
    });

  ev.command('runs')
    .argument('[set]', 'only the runs of this set')
    .option('--json', 'print JSON')
    .description('evaluation runs, newest first')
    .action(async (setName: string | undefined, o: { json?: boolean }) => {
      await withHaven(async (haven) => {
        const db = haven.store.db;
        let setId: string | undefined;
        if (setName !== undefined) {
          const set = await evalSetByName(db, setName);
          if (!set) throw new Error(`no evaluation set named ${setName} (see haven eval sets)`);
          setId = set.id;
        }
        const runs = await listEvalRuns(db, setId === undefined ? {} : { setId });
        if (o.json) json(runs);
        else process.stdout.write(renderRuns(runs));
      });
    });

  ev.command('show')
    .argument('<run>', 'run id')
    .option('--json', 'print JSON')
    .description('one run: its classifier, set, metrics, confusion matrix, cost and latency')
    .action(async (runId: string, o: { json?: boolean }) => {
      await withHaven(async (haven) => {
        const run = await evalRunById(haven.store.db, runId);
        if (!run) throw new Error(`no evaluation run ${runId} (see haven eval runs)`);
        if (o.json) json(run);
        else process.stdout.write(renderRunReport(run, runMetrics(run)));
      });
    });

  ev.command('compare')
    .argument('<runA>', 'run id')
    .argument('<runB>', 'run id')
    .option('--limit <n>', 'disagreements to list', '20')
    .option('--json', 'print JSON')
    .description('two runs on the same set content: per-category precision/recall/F1 side by side, and the examples they disagree on')
    .action(async (a: string, b: string, o: { limit: string; json?: boolean }) => {
      const limit = positiveInt(o.limit, '--limit');
      await withHaven(async (haven) => {
        const comparison = await compareRuns(haven.store.db, a, b, { limit });
        if (o.json) json(comparison);
        else process.stdout.write(renderComparison(comparison));
      });
    });
}
