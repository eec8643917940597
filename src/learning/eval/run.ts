import type { CategoryId } from '../../core/taxonomy.js';
import type { Queryable } from '../../store/db.js';
import {
  type EvalResultRecord, type EvalRunRecord, evalRunById, finishEvalRun, inTransaction, insertEvalResults, insertEvalRun,
} from '../../store/repos/evaluation.js';
import { type EvalMetrics, evaluationMetrics } from './metrics.js';
import { loadEvalSet } from './sets.js';
import { type CategoryScore, DEFAULT_THRESHOLD, type EvalClassifier, type EvalExample, type RunThreshold } from './types.js';

export interface RunOptions {
  actor: string;
  /** Predict a category when its score reaches this; default: the classifier's own thresholds, else 0.5. */
  threshold?: number | undefined;
  /** Examples classified at once (default 4). */
  concurrency?: number | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
  now?: (() => number) | undefined;
}

export interface EvalRunReport {
  run: EvalRunRecord;
  metrics: EvalMetrics;
}

/** The threshold a run applies to one category of one example. */
export function thresholdOf(classifier: EvalClassifier, fixed: number | undefined): {
  describe: RunThreshold;
  at: (category: CategoryId, example: EvalExample) => number;
} {
  if (fixed !== undefined) {
    if (!(fixed >= 0 && fixed <= 1)) throw new Error(`a threshold is between 0 and 1, got ${fixed}`);
    return { describe: { kind: 'fixed', value: fixed }, at: () => fixed };
  }
  if (classifier.threshold) {
    const own = classifier.threshold.bind(classifier);
    return { describe: { kind: 'classifier', description: classifier.thresholdDescription ?? `${classifier.name}'s own thresholds` }, at: own };
  }
  return { describe: { kind: 'fixed', value: DEFAULT_THRESHOLD }, at: () => DEFAULT_THRESHOLD };
}

/** Scores at or above the threshold, strongest first; a category listed twice keeps its best score. */
export function positives(scores: readonly CategoryScore[], at: (category: CategoryId) => number): CategoryScore[] {
  const best = new Map<CategoryId, number>();
  for (const s of scores) if (s.score >= at(s.category) && s.score > (best.get(s.category) ?? -1)) best.set(s.category, s.score);
  return [...best].map(([category, score]) => ({ category, score })).sort((a, b) => b.score - a.score || (a.category < b.category ? -1 : 1));
}

async function classifyOne(classifier: EvalClassifier, e: EvalExample, at: (c: CategoryId, e: EvalExample) => number): Promise<EvalResultRecord> {
  const started = performance.now();
  try {
    const r = await classifier.classify(e);
    const scores = r.categories.map((c) => ({ category: c.category, score: c.score }));
    return {
      exampleId: e.id, labels: e.labels, scores, predicted: positives(scores, (c) => at(c, e)),
      costUsd: r.costUsd, latencyMs: r.latencyMs, error: null, calls: r.calls ?? null,
    };
  } catch (err) {
    return {
      exampleId: e.id, labels: e.labels, scores: [], predicted: [], costUsd: 0,
      latencyMs: Math.round((performance.now() - started) * 1000) / 1000, error: err instanceof Error ? err.message : String(err), calls: null,
    };
  }
}

/** Runs `work` over `items` with at most `limit` in flight; results keep the items' order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>, onDone: (done: number) => void): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
      onDone(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Classifies every example of a set, stores the run with its per-example results and metrics, and returns them.
 * The run is recorded as 'running' before the first call, so an interrupted run is visible; an example whose
 * classification throws is stored with its error and left out of the quality metrics.
 */
export async function runEvaluation(q: Queryable, setName: string, classifier: EvalClassifier, opts: RunOptions): Promise<EvalRunReport> {
  const now = opts.now ?? Date.now;
  const concurrency = opts.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
  const threshold = thresholdOf(classifier, opts.threshold);
  const { set, examples } = await loadEvalSet(q, setName);
  if (examples.length === 0) throw new Error(`set ${setName} has no examples`);
  const run = await insertEvalRun(q, {
    setId: set.id, setName: set.name, setHash: set.contentHash, classifier: classifier.name, classifierConfig: classifier.config,
    threshold: threshold.describe, startedAt: now(), examples: examples.length, createdBy: opts.actor,
  });
  try {
    const results = await mapBounded(examples, concurrency, (e) => classifyOne(classifier, e, threshold.at), (done) => opts.onProgress?.(done, examples.length));
    const metrics = evaluationMetrics(results);
    await inTransaction(q, async (trx) => {
      await insertEvalResults(trx, run.id, results);
      await finishEvalRun(trx, run.id, {
        status: 'done', finishedAt: now(), errors: metrics.errors, costUsd: metrics.cost.totalUsd, metrics, error: null,
      });
    });
    const stored = await evalRunById(q, run.id);
    return { run: stored!, metrics };
  } catch (err) {
    await finishEvalRun(q, run.id, {
      status: 'failed', finishedAt: now(), errors: 0, costUsd: 0, metrics: null, error: err instanceof Error ? err.message : String(err),
    });
    throw err;
  }
}
