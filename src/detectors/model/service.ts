import type { CategoryId } from '../../core/taxonomy.js';
import type { Queryable } from '../../store/db.js';
import { appendAudit } from '../../store/repos/audit.js';
import {
  labelledItemsPage, liveModel, type ModelSummary, modelByVersion, promoteModel, saveModel, type StoredModel,
} from '../../store/repos/models.js';
import { examplesFromItems, type LabelledExample } from './data.js';
import { ModelDetector, type ModelDetectorOptions } from './detector.js';
import { type GateResult, promotionGate } from './gate.js';
import type { CategoryMetrics } from './metrics.js';
import { deserializeModel, serializeModel } from './serialize.js';
import { evaluateModel, type TrainOptions, type TrainResult, trainModel } from './train.js';

function inTransaction<T>(q: Queryable, fn: (trx: Queryable) => Promise<T>): Promise<T> {
  return q.isTransaction ? fn(q) : q.transaction().execute(fn);
}

/** What is stored in a model's `metrics` column. */
export interface StoredMetrics {
  threshold: number;
  heldOut: number;
  categories: Record<CategoryId, CategoryMetrics>;
  /** The promotion gate's comparison with the model that was live when this one was trained. */
  comparison: GateResult;
}

export interface TrainAndStoreInput {
  examples: readonly LabelledExample[];
  /** Where the examples came from, e.g. 'items', 'demo', 'file:labels.jsonl'. */
  source: string;
  categories: readonly CategoryId[];
  options?: Omit<TrainOptions, 'categories'>;
  actor: string;
  now: number;
  /** Make the new model live even if the gate refuses; the reason is recorded. */
  force?: { reason: string } | undefined;
}

export interface TrainOutcome {
  model: ModelSummary;
  result: TrainResult;
  gate: GateResult;
  live: boolean;
  overridden: boolean;
}

/**
 * Trains on `examples`, stores the result as the next model version, and makes it live if it passes the
 * promotion gate (or `force` is given). The live model is evaluated on the new model's held-out set, so both
 * are compared on the same examples.
 */
export async function trainAndStore(q: Queryable, input: TrainAndStoreInput): Promise<TrainOutcome> {
  if (input.force && !input.force.reason.trim()) throw new Error('a forced promotion needs a reason');
  const result = trainModel(input.examples, { ...input.options, categories: input.categories });
  const current = await liveModel(q);
  let gate: GateResult;
  if (!current) {
    gate = promotionGate(result.metrics, null);
  } else {
    try {
      gate = promotionGate(result.metrics, { version: current.version, metrics: evaluateModel(deserializeModel(current.weights), result.heldOut) });
    } catch (e) {
      // A live model this Haven cannot load (e.g. older features) cannot be compared: only an override replaces it.
      gate = { pass: false, liveVersion: current.version, comparisons: [], summary: `live v${current.version} cannot be evaluated: ${(e as Error).message}` };
    }
  }
  const metrics: StoredMetrics = { threshold: result.params.threshold, heldOut: result.heldOut.length, categories: result.metrics, comparison: gate };
  const overridden = !gate.pass && input.force !== undefined;
  const training = {
    source: input.source,
    ...result.training,
    ...(overridden ? { override: { reason: input.force!.reason, by: input.actor, gate: gate.summary } } : {}),
  };

  return inTransaction(q, async (trx) => {
    const saved = await saveModel(trx, { params: { ...result.params, categories: result.model.categories, calibration: result.model.data.calibration }, metrics, training, weights: serializeModel(result.model) }, input.actor, input.now);
    let model: StoredModel = saved;
    const goLive = gate.pass || overridden;
    if (goLive) {
      const reason = overridden ? `override: ${input.force!.reason} (gate: ${gate.summary})` : gate.summary;
      model = (await promoteModel(trx, saved.version, { by: input.actor, reason }, input.now)).promoted;
    }
    await appendAudit(trx, {
      actor: input.actor, action: 'model.train', targetType: 'model', targetId: saved.id,
      details: { version: saved.version, source: input.source, live: goLive, overridden, gate: gate.summary, ...(overridden ? { reason: input.force!.reason } : {}) },
    }, input.now);
    const { weights: _weights, ...summary } = model;
    return { model: summary, result, gate, live: goLive, overridden };
  });
}

/** Makes a stored version live by hand (an override of the gate), recording who and why. */
export async function promoteVersion(q: Queryable, version: number, by: string, reason: string, now: number): Promise<{ model: ModelSummary; retired: number | null }> {
  if (!reason.trim()) throw new Error('promoting a model by hand needs a reason');
  return inTransaction(q, async (trx) => {
    const { promoted, retired } = await promoteModel(trx, version, { by, reason: `override: ${reason}` }, now);
    await appendAudit(trx, {
      actor: by, action: 'model.promote', targetType: 'model', targetId: promoted.id,
      details: { version, retired, reason, override: true },
    }, now);
    const { weights: _weights, ...summary } = promoted;
    return { model: summary, retired };
  });
}

/** Labelled examples from every stored text item whose metadata carries `labels`. */
export async function examplesFromStore(
  q: Queryable,
  known: ReadonlySet<CategoryId>,
): Promise<{ examples: LabelledExample[]; ignoredLabels: Map<string, number> }> {
  const examples: LabelledExample[] = [];
  const ignoredLabels = new Map<string, number>();
  let after: string | undefined;
  for (;;) {
    const page = await labelledItemsPage(q, { after, limit: 2000 });
    if (page.length === 0) break;
    const got = examplesFromItems(page, known);
    examples.push(...got.examples);
    for (const [l, n] of got.ignoredLabels) ignoredLabels.set(l, (ignoredLabels.get(l) ?? 0) + n);
    after = page.at(-1)!.id;
  }
  return { examples, ignoredLabels };
}

/** The detector for the live model, or null when no model is live. Cache it by `liveModelVersion`. */
export async function loadLiveModelDetector(q: Queryable, opts: ModelDetectorOptions = {}): Promise<ModelDetector | null> {
  const live = await liveModel(q);
  return live ? new ModelDetector(deserializeModel(live.weights), live.version, opts) : null;
}

/** A stored version loaded for scoring (e.g. to try a candidate by hand). */
export async function loadModelVersion(q: Queryable, version: number) {
  const m = await modelByVersion(q, version);
  return m ? { summary: m, model: deserializeModel(m.weights) } : null;
}
