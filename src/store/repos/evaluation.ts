import type { Selectable } from 'kysely';
import type { CategoryId } from '../../core/taxonomy.js';
import type { AgeBand } from '../../core/types.js';
import type {
  CategoryScore, EvalExample, EvalMedia, EvalSetSummary, ExampleSource, RunThreshold,
} from '../../learning/eval/types.js';
import { fromJson, type Queryable, toJson } from '../db.js';
import { newId } from '../ids.js';
import type { EvalExamplesTable, EvalResultsTable, EvalRunsTable, EvalSetsTable } from '../schema.js';

/** Runs `fn` in a transaction, or directly when `q` already is one. */
export async function inTransaction<T>(q: Queryable, fn: (trx: Queryable) => Promise<T>): Promise<T> {
  return q.isTransaction ? fn(q) : q.transaction().execute(fn);
}

const toSet = (r: Selectable<EvalSetsTable>): EvalSetSummary => ({
  id: r.id, name: r.name, contentHash: r.content_hash, examples: Number(r.examples), createdAt: r.created_at,
  createdBy: r.created_by, updatedAt: r.updated_at,
});

export async function evalSetByName(q: Queryable, name: string): Promise<EvalSetSummary | null> {
  const r = await q.selectFrom('eval_sets').selectAll().where('name', '=', name).executeTakeFirst();
  return r ? toSet(r) : null;
}

export async function listEvalSets(q: Queryable): Promise<EvalSetSummary[]> {
  return (await q.selectFrom('eval_sets').selectAll().orderBy('name').execute()).map(toSet);
}

export async function createEvalSet(q: Queryable, name: string, contentHash: string, actor: string, now: number): Promise<EvalSetSummary> {
  const row = { id: newId(), name, content_hash: contentHash, examples: 0, created_at: now, created_by: actor, updated_at: now };
  await q.insertInto('eval_sets').values(row).execute();
  return toSet(row);
}

export async function updateEvalSetContent(q: Queryable, setId: string, contentHash: string, examples: number, now: number): Promise<void> {
  await q.updateTable('eval_sets').set({ content_hash: contentHash, examples, updated_at: now }).where('id', '=', setId).execute();
}

const toExample = (r: Selectable<EvalExamplesTable>): EvalExample => ({
  id: r.example_id, itemId: r.item_id, text: r.text, media: fromJson<EvalMedia[]>(r.media), surface: r.surface,
  authorAgeBand: r.author_age_band as AgeBand | null, recipientAgeBands: fromJson<AgeBand[]>(r.recipient_age_bands),
  labels: fromJson<CategoryId[]>(r.labels), source: r.source as ExampleSource, addedBy: r.added_by, addedAt: r.added_at,
});

/** Every example of a set, in id order. */
export async function evalSetExamples(q: Queryable, setId: string): Promise<EvalExample[]> {
  const rows = await q.selectFrom('eval_examples').selectAll().where('set_id', '=', setId).orderBy('example_id').execute();
  return rows.map(toExample);
}

/** Inserts examples, replacing any with the same id in the set. */
export async function putEvalExamples(q: Queryable, setId: string, examples: readonly EvalExample[]): Promise<void> {
  const CHUNK = 200;
  for (let i = 0; i < examples.length; i += CHUNK) {
    const chunk = examples.slice(i, i + CHUNK);
    await q.deleteFrom('eval_examples').where('set_id', '=', setId).where('example_id', 'in', chunk.map((e) => e.id)).execute();
    await q.insertInto('eval_examples').values(chunk.map((e) => ({
      set_id: setId, example_id: e.id, item_id: e.itemId, text: e.text, media: toJson(e.media), surface: e.surface,
      author_age_band: e.authorAgeBand, recipient_age_bands: toJson(e.recipientAgeBands), labels: toJson(e.labels),
      source: e.source, added_by: e.addedBy, added_at: e.addedAt,
    }))).execute();
  }
}

export type RunStatus = 'running' | 'done' | 'failed';

export interface EvalRunRecord {
  id: string;
  setId: string;
  setName: string;
  setHash: string;
  classifier: string;
  classifierConfig: Record<string, unknown>;
  threshold: RunThreshold;
  status: RunStatus;
  startedAt: number;
  finishedAt: number | null;
  examples: number;
  errors: number;
  costUsd: number;
  /** The run's metrics (learning/eval/metrics.ts EvalMetrics) once it is done. */
  metrics: unknown;
  error: string | null;
  createdBy: string;
}

const toRun = (r: Selectable<EvalRunsTable>): EvalRunRecord => ({
  id: r.id, setId: r.set_id, setName: r.set_name, setHash: r.set_hash, classifier: r.classifier,
  classifierConfig: fromJson(r.classifier_config), threshold: fromJson(r.threshold), status: r.status as RunStatus,
  startedAt: r.started_at, finishedAt: r.finished_at, examples: Number(r.examples), errors: Number(r.errors),
  costUsd: Number(r.cost_usd), metrics: r.metrics === null ? null : fromJson(r.metrics), error: r.error, createdBy: r.created_by,
});

export async function insertEvalRun(
  q: Queryable,
  run: Pick<EvalRunRecord, 'setId' | 'setName' | 'setHash' | 'classifier' | 'classifierConfig' | 'threshold' | 'startedAt' | 'examples' | 'createdBy'>,
): Promise<EvalRunRecord> {
  const row = {
    id: newId(), set_id: run.setId, set_name: run.setName, set_hash: run.setHash, classifier: run.classifier,
    classifier_config: toJson(run.classifierConfig), threshold: toJson(run.threshold), status: 'running', started_at: run.startedAt,
    finished_at: null, examples: run.examples, errors: 0, cost_usd: 0, metrics: null, error: null, created_by: run.createdBy,
  };
  await q.insertInto('eval_runs').values(row).execute();
  return { ...run, id: row.id, status: 'running', finishedAt: null, errors: 0, costUsd: 0, metrics: null, error: null };
}

export async function finishEvalRun(
  q: Queryable,
  id: string,
  end: { status: 'done' | 'failed'; finishedAt: number; errors: number; costUsd: number; metrics: unknown; error: string | null },
): Promise<void> {
  await q.updateTable('eval_runs').set({
    status: end.status, finished_at: end.finishedAt, errors: end.errors, cost_usd: end.costUsd,
    metrics: end.metrics === null ? null : toJson(end.metrics), error: end.error,
  }).where('id', '=', id).execute();
}

export async function evalRunById(q: Queryable, id: string): Promise<EvalRunRecord | null> {
  const r = await q.selectFrom('eval_runs').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toRun(r) : null;
}

/** Runs newest first, of one set when `setId` is given. */
export async function listEvalRuns(q: Queryable, opts: { setId?: string; limit?: number } = {}): Promise<EvalRunRecord[]> {
  let query = q.selectFrom('eval_runs').selectAll().orderBy('started_at', 'desc').orderBy('id', 'desc').limit(opts.limit ?? 100);
  if (opts.setId !== undefined) query = query.where('set_id', '=', opts.setId);
  return (await query.execute()).map(toRun);
}

export interface EvalResultRecord {
  exampleId: string;
  /** The labels the example had when it was scored. */
  labels: CategoryId[];
  /** Every score the classifier returned. */
  scores: CategoryScore[];
  /** The categories predicted positive at the run's threshold. */
  predicted: CategoryScore[];
  costUsd: number;
  latencyMs: number;
  error: string | null;
  calls: unknown;
}

export async function insertEvalResults(q: Queryable, runId: string, results: readonly EvalResultRecord[]): Promise<void> {
  const CHUNK = 200;
  for (let i = 0; i < results.length; i += CHUNK) {
    await q.insertInto('eval_results').values(results.slice(i, i + CHUNK).map((r) => ({
      run_id: runId, example_id: r.exampleId, labels: toJson(r.labels), scores: toJson(r.scores), predicted: toJson(r.predicted),
      cost_usd: r.costUsd, latency_ms: r.latencyMs, error: r.error, calls: r.calls === undefined || r.calls === null ? null : toJson(r.calls),
    }))).execute();
  }
}

const toResult = (r: Selectable<EvalResultsTable>): EvalResultRecord => ({
  exampleId: r.example_id, labels: fromJson(r.labels), scores: fromJson(r.scores), predicted: fromJson(r.predicted),
  costUsd: Number(r.cost_usd), latencyMs: Number(r.latency_ms), error: r.error, calls: r.calls === null ? null : fromJson(r.calls),
});

/** A run's results in example id order, each with its example's text when the example is still in the set. */
export async function evalRunResults(q: Queryable, run: Pick<EvalRunRecord, 'id' | 'setId'>): Promise<(EvalResultRecord & { text: string | null })[]> {
  const rows = await q
    .selectFrom('eval_results')
    .leftJoin('eval_examples', (j) => j.onRef('eval_examples.example_id', '=', 'eval_results.example_id').on('eval_examples.set_id', '=', run.setId))
    .selectAll('eval_results')
    .select('eval_examples.text as text')
    .where('eval_results.run_id', '=', run.id)
    .orderBy('eval_results.example_id')
    .execute();
  return rows.map((r) => ({ ...toResult(r), text: r.text ?? null }));
}
