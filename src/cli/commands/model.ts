import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { Taxonomy } from '../../core/taxonomy.js';
import { examplesFromItems, type LabelledExample, parseLabelledJsonl } from '../../detectors/model/data.js';
import type { GateResult } from '../../detectors/model/gate.js';
import type { CategoryMetrics } from '../../detectors/model/metrics.js';
import { examplesFromStore, promoteVersion, type StoredMetrics, trainAndStore } from '../../detectors/model/service.js';
import { demoLabelledRows } from '../../demo/training.js';
import type { Queryable } from '../../store/db.js';
import { latestConfig } from '../../store/repos/config.js';
import { listModels, liveModel, modelByVersion, type ModelSummary } from '../../store/repos/models.js';
import { withHaven } from '../context.js';

const CLI_ACTOR = `cli:${process.env.USER ?? 'operator'}`;
// The demo world `haven serve` seeds on first start.
const DEMO_WORLD = { accounts: 200, seed: 1 };

interface TrainCliOptions {
  from?: string;
  seed: string;
  epochs?: string;
  minPositives?: string;
  force?: boolean;
  reason?: string;
  json?: boolean;
}

function nonNegativeInt(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${value}`);
  return n;
}

export function modelCommands(program: Command): void {
  const model = program.command('model').description('the local text model: train from labelled items, list versions, promote');

  model
    .command('train')
    .description("train a new version on labelled items (metadata.labels), the demo world or a JSONL file; it goes live if it is no worse than the live model")
    .option('--from <source>', 'demo (the generated demo world) or a JSONL file of {"text", "labels"[, "id"]} (default: this database\'s labelled items)')
    .option('--seed <n>', 'seed of the data split and the training order', '1')
    .option('--epochs <n>', 'passes over the training split (default 6)')
    .option('--min-positives <n>', 'positive examples a category needs to be trained (default 10)')
    .option('--force', 'make it live even if the promotion gate refuses (needs --reason; recorded)')
    .option('--reason <text>', 'why the gate is overridden')
    .option('--json', 'print JSON')
    .action(async (o: TrainCliOptions) => {
      if (o.force && !o.reason?.trim()) throw new Error('--force needs --reason TEXT: overriding the promotion gate is recorded with its reason');
      if (o.reason && !o.force) throw new Error('--reason goes with --force (to promote an existing version, use haven model promote VERSION --reason TEXT)');
      const seed = nonNegativeInt(o.seed, '--seed');
      const options = {
        seed,
        ...(o.epochs !== undefined ? { epochs: nonNegativeInt(o.epochs, '--epochs') } : {}),
        ...(o.minPositives !== undefined ? { minPositives: nonNegativeInt(o.minPositives, '--min-positives') } : {}),
      };
      await withHaven(async (haven) => {
        const db = haven.store.db;
        const categories = await taxonomyCategories(db);
        const known = new Set(categories);
        const { examples, source } = await loadExamples(db, o.from, known);
        const outcome = await trainAndStore(db, {
          examples, source, categories, options, actor: CLI_ACTOR, now: haven.clock.now(),
          force: o.force ? { reason: o.reason! } : undefined,
        });
        if (o.json) {
          process.stdout.write(`${JSON.stringify({
            version: outcome.model.version, status: outcome.model.status, live: outcome.live, overridden: outcome.overridden,
            gate: outcome.gate, metrics: outcome.result.metrics, training: outcome.model.training, params: outcome.result.params,
          }, null, 2)}\n`);
          return;
        }
        const tr = outcome.result.training;
        const out: string[] = [];
        out.push(`model v${outcome.model.version}: trained on ${tr.examples} examples from ${source} (${tr.benign} benign; split seed ${tr.split.seed}: train ${tr.split.train}, validation ${tr.split.validation}, held out ${tr.split.test})`);
        out.push('', metricsTable(outcome.result.metrics, outcome.gate));
        for (const s of tr.skipped) out.push(`skipped ${s.category}: ${s.reason}`);
        out.push('');
        if (outcome.overridden) out.push(`model v${outcome.model.version} is LIVE by override (${o.reason}); the gate said: ${outcome.gate.summary}`);
        else if (outcome.live) out.push(`model v${outcome.model.version} is LIVE: ${outcome.gate.summary}`);
        else {
          out.push(`model v${outcome.model.version} stays a CANDIDATE: ${outcome.gate.summary}`);
          out.push(`  to make it live anyway: haven model promote ${outcome.model.version} --reason TEXT`);
        }
        process.stdout.write(`${out.join('\n')}\n`);
      });
    });

  model
    .command('list')
    .description('every model version, newest first')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withHaven(async (haven) => {
        const models = await listModels(haven.store.db);
        if (o.json) {
          process.stdout.write(`${JSON.stringify(models, null, 2)}\n`);
          return;
        }
        if (models.length === 0) {
          process.stdout.write('no models yet: train one with haven model train\n');
          return;
        }
        const rows = models.map((m) => [
          `v${m.version}`, m.status, iso(m.createdAt), m.createdBy, f1Summary(m),
          m.promotionReason ?? '',
        ]);
        process.stdout.write(table(['version', 'status', 'created', 'by', 'held-out F1', 'promotion'], rows));
      });
    });

  model
    .command('show')
    .argument('[version]', 'model version (default: the live one)')
    .description('one model: how it was trained, its held-out metrics, its comparison with the model live before it')
    .option('--json', 'print JSON')
    .action(async (v: string | undefined, o: { json?: boolean }) => {
      await withHaven(async (haven) => {
        const db = haven.store.db;
        const m = v === undefined ? await liveModel(db) : await modelByVersion(db, parseVersion(v));
        if (!m) throw new Error(v === undefined ? 'no model is live: train one with haven model train' : `no model version ${v}`);
        const { weights, ...summary } = m;
        if (o.json) {
          process.stdout.write(`${JSON.stringify({ ...summary, weightsBytes: Buffer.byteLength(weights, 'base64') }, null, 2)}\n`);
          return;
        }
        process.stdout.write(renderModel(summary, Buffer.byteLength(weights, 'base64')));
      });
    });

  model
    .command('promote')
    .argument('<version>', 'model version to make live')
    .requiredOption('--reason <text>', 'why (recorded: this overrides the promotion gate)')
    .description('make a stored version live by hand; the model live until now is retired')
    .action(async (v: string, o: { reason: string }) => {
      if (!o.reason.trim()) throw new Error('--reason must not be empty');
      await withHaven(async (haven) => {
        const r = await promoteVersion(haven.store.db, parseVersion(v), CLI_ACTOR, o.reason, haven.clock.now());
        process.stdout.write(`model v${r.model.version} is LIVE (override: ${o.reason})${r.retired !== null ? `; v${r.retired} retired` : ''}\n`);
      });
    });
}

function parseVersion(v: string): number {
  const n = Number(v.replace(/^v/, ''));
  if (!Number.isInteger(n) || n < 1) throw new Error(`a model version is a positive integer, got ${v}`);
  return n;
}

async function taxonomyCategories(db: Queryable): Promise<string[]> {
  const taxonomy = await latestConfig<Taxonomy>(db, 'taxonomy');
  if (!taxonomy) throw new Error('no taxonomy configured');
  return taxonomy.document.categories.map((c) => c.id);
}

async function loadExamples(db: Queryable, from: string | undefined, known: ReadonlySet<string>): Promise<{ examples: LabelledExample[]; source: string }> {
  if (from === 'demo') {
    const { examples, ignoredLabels } = examplesFromItems(await demoLabelledRows(DEMO_WORLD), known);
    if (examples.length === 0) throw new Error('the demo world carries no ground-truth labels (metadata.labels) to train on');
    warnIgnored(ignoredLabels);
    return { examples, source: 'demo' };
  }
  if (from !== undefined) {
    let content: string;
    try {
      content = readFileSync(from, 'utf8');
    } catch (e) {
      throw new Error(`cannot read ${from}: ${(e as Error).message}`);
    }
    return { examples: parseLabelledJsonl(content, known), source: `file:${basename(from)}` };
  }
  const { examples, ignoredLabels } = await examplesFromStore(db, known);
  if (examples.length === 0) {
    throw new Error('no items in this database carry ground-truth labels (metadata.labels): train from a file with --from FILE.jsonl, or --from demo');
  }
  warnIgnored(ignoredLabels);
  return { examples, source: 'items' };
}

function warnIgnored(ignored: Map<string, number>): void {
  for (const [label, n] of ignored) process.stderr.write(`ignored label "${label}" on ${n} item(s): not a category in the taxonomy\n`);
}

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
const num = (x: number | null | undefined) => (x === null || x === undefined ? '-' : x.toFixed(4));

function f1Summary(m: ModelSummary): string {
  const cats = (m.metrics as Partial<StoredMetrics>).categories ?? {};
  return Object.entries(cats).map(([c, x]) => `${c} ${num(x.f1)}`).join(', ');
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

function metricsTable(metrics: Record<string, CategoryMetrics>, gate: GateResult | undefined): string {
  const compared = new Map((gate?.comparisons ?? []).map((c) => [c.category, c]));
  const categories = [...new Set([...Object.keys(metrics), ...compared.keys()])].sort();
  const rows = categories.map((c) => {
    const m = metrics[c];
    const cmp = compared.get(c);
    return [
      c, m ? String(m.support) : '-', num(m?.precision), num(m?.recall), num(m?.f1), num(m?.averagePrecision),
      cmp ? num(cmp.liveF1) : '-', cmp ? cmp.note : '',
    ];
  });
  return table(['category', 'support', 'precision', 'recall', 'F1', 'AP', 'live F1', 'vs live'], rows).trimEnd();
}

function renderModel(m: ModelSummary, weightsBytes: number): string {
  const metrics = m.metrics as Partial<StoredMetrics>;
  const training = m.training as Record<string, unknown> & { split?: { seed: number; train: number; validation: number; test: number } };
  const out: string[] = [];
  out.push(`model v${m.version}  ${m.status.toUpperCase()}  (id ${m.id})`);
  out.push(`  created ${iso(m.createdAt)} by ${m.createdBy}; weights ${weightsBytes} bytes`);
  if (m.promotedAt !== null) out.push(`  promoted ${iso(m.promotedAt)} by ${m.promotedBy}: ${m.promotionReason}`);
  out.push(`  trained on ${String(training.examples)} examples from ${String(training.source)}; labels ${JSON.stringify(training.countsPerLabel)}, benign ${String(training.benign)}`);
  if (training.split) out.push(`  split seed ${training.split.seed}: train ${training.split.train}, validation ${training.split.validation}, held out ${training.split.test}`);
  for (const s of (training.skipped as { category: string; reason: string }[] | undefined) ?? []) out.push(`  skipped ${s.category}: ${s.reason}`);
  const override = training.override as { reason: string; by: string } | undefined;
  if (override) out.push(`  gate overridden by ${override.by}: ${override.reason}`);
  const p = m.params as { features?: { bits: number; charMin: number; charMax: number }; epochs?: number; threshold?: number };
  if (p.features) out.push(`  features 2^${p.features.bits} hashed (words 1-2, chars ${p.features.charMin}-${p.features.charMax}); ${p.epochs} epochs; threshold ${p.threshold}; Platt calibration`);
  out.push('', metricsTable(metrics.categories ?? {}, metrics.comparison));
  if (metrics.comparison) out.push('', `gate: ${metrics.comparison.summary}`);
  return `${out.join('\n')}\n`;
}
