import type { CategoryId } from '../../core/taxonomy.js';
import type { Queryable } from '../../store/db.js';
import { type EvalResultRecord, type EvalRunRecord, evalRunById, evalRunResults } from '../../store/repos/evaluation.js';
import { excerpt } from './examples.js';
import { type CategoryMetrics, categoryMetrics, type EvalMetrics } from './metrics.js';
import type { CategoryScore } from './types.js';

export interface CategoryComparison {
  category: CategoryId;
  a: CategoryMetrics | null;
  b: CategoryMetrics | null;
  /** b minus a; null where either side is undefined. */
  delta: { precision: number | null; recall: number | null; f1: number | null };
}

export interface Disagreement {
  exampleId: string;
  excerpt: string;
  labels: CategoryId[];
  a: CategoryScore[];
  b: CategoryScore[];
  aError: string | null;
  bError: string | null;
  /** Which side predicted exactly the labels. */
  correct: 'a' | 'b' | 'neither';
}

export interface RunComparison {
  a: EvalRunRecord;
  b: EvalRunRecord;
  categories: CategoryComparison[];
  micro: CategoryComparison;
  disagreements: { total: number; shown: Disagreement[] };
}

/** Runs that were not made on the same content of a set: their metrics cannot be compared. */
export class RunsNotComparableError extends Error {
  override readonly name = 'RunsNotComparableError';
}

const minus = (b: number | null | undefined, a: number | null | undefined) =>
  a === null || a === undefined || b === null || b === undefined ? null : Math.round((b - a) * 1e4) / 1e4;

function compareCategory(category: CategoryId, a: CategoryMetrics | null, b: CategoryMetrics | null): CategoryComparison {
  return { category, a, b, delta: { precision: minus(b?.precision, a?.precision), recall: minus(b?.recall, a?.recall), f1: minus(b?.f1, a?.f1) } };
}

const predictedSet = (r: EvalResultRecord) => r.predicted.map((p) => p.category).sort().join(',');

/**
 * Per-category metrics side by side, and the examples the two runs predicted differently (an error on one side
 * only counts as a difference), in example id order, at most `limit` of them shown.
 */
export function diffResults(
  a: readonly (EvalResultRecord & { text: string | null })[],
  b: readonly EvalResultRecord[],
  limit: number,
): { categories: CategoryComparison[]; micro: CategoryComparison; disagreements: { total: number; shown: Disagreement[] } } {
  const byId = new Map(b.map((r) => [r.exampleId, r]));
  const both = a.filter((r) => byId.has(r.exampleId));
  // Only examples both runs scored count, so an error on one side does not tilt the metrics.
  const scoredA = both.filter((r) => r.error === null && byId.get(r.exampleId)!.error === null);
  const scoredB = scoredA.map((r) => byId.get(r.exampleId)!);
  const ma = categoryMetrics(scoredA);
  const mb = categoryMetrics(scoredB);
  const names = [...new Set([...Object.keys(ma.categories), ...Object.keys(mb.categories)])].sort();
  const categories = names.map((c) => compareCategory(c, ma.categories[c] ?? null, mb.categories[c] ?? null));
  let total = 0;
  const shown: Disagreement[] = [];
  for (const ra of both) {
    const rb = byId.get(ra.exampleId)!;
    if (predictedSet(ra) === predictedSet(rb) && (ra.error === null) === (rb.error === null)) continue;
    total++;
    if (shown.length >= limit) continue;
    const truth = [...ra.labels].sort().join(',');
    const aRight = ra.error === null && predictedSet(ra) === truth;
    const bRight = rb.error === null && predictedSet(rb) === truth;
    shown.push({
      exampleId: ra.exampleId, excerpt: excerpt(ra.text), labels: ra.labels, a: ra.predicted, b: rb.predicted,
      aError: ra.error, bError: rb.error, correct: aRight ? 'a' : bRight ? 'b' : 'neither',
    });
  }
  return { categories, micro: compareCategory('all', ma.micro, mb.micro), disagreements: { total, shown } };
}

/** Compares two stored runs of the same set content; throws RunsNotComparableError naming both hashes otherwise. */
export async function compareRuns(q: Queryable, runA: string, runB: string, opts: { limit?: number } = {}): Promise<RunComparison> {
  const [a, b] = await Promise.all([evalRunById(q, runA), evalRunById(q, runB)]);
  if (!a) throw new Error(`no evaluation run ${runA}`);
  if (!b) throw new Error(`no evaluation run ${runB}`);
  for (const r of [a, b]) if (r.status !== 'done') throw new Error(`run ${r.id} is ${r.status}: only finished runs can be compared`);
  if (a.setHash !== b.setHash) {
    const content = `content ${a.setHash.slice(0, 12)} vs ${b.setHash.slice(0, 12)}`;
    throw new RunsNotComparableError(a.setName === b.setName
      ? `runs ${a.id} and ${b.id} were made on different contents of set ${a.setName} (${content}): run both again on the current set to compare them`
      : `runs ${a.id} and ${b.id} were made on different sets (${a.setName} and ${b.setName}, ${content}): compare runs of one set`);
  }
  const [ra, rb] = await Promise.all([evalRunResults(q, a), evalRunResults(q, b)]);
  return { a, b, ...diffResults(ra, rb, opts.limit ?? 20) };
}

/** The metrics stored with a finished run. */
export function runMetrics(run: EvalRunRecord): EvalMetrics | null {
  return (run.metrics as EvalMetrics | null) ?? null;
}
