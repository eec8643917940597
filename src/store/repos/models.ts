import { type Selectable, sql } from 'kysely';
import { fromJson, isPostgres, type Queryable, toJson } from '../db.js';
import { newId } from '../ids.js';
import type { ModelsTable } from '../schema.js';

export const MODEL_STATUSES = ['candidate', 'live', 'retired'] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];

/** A stored model without its weights (listing and showing never need them). */
export interface ModelSummary {
  id: string;
  version: number;
  status: ModelStatus;
  createdAt: number;
  createdBy: string;
  params: Record<string, unknown>;
  metrics: Record<string, unknown>;
  training: Record<string, unknown>;
  promotedAt: number | null;
  promotedBy: string | null;
  promotionReason: string | null;
}

export interface StoredModel extends ModelSummary {
  /** base64 of the binary model (detectors/model/serialize.ts). */
  weights: string;
}

export interface NewModel {
  params: unknown;
  metrics: unknown;
  training: unknown;
  weights: string;
}

type Row = Omit<Selectable<ModelsTable>, 'weights'> & { weights?: string };

const SUMMARY_COLUMNS = [
  'id', 'version', 'status', 'created_at', 'created_by', 'params', 'metrics', 'training', 'promoted_at', 'promoted_by', 'promotion_reason',
] as const;

function toSummary(r: Row): ModelSummary {
  return {
    id: r.id, version: Number(r.version), status: r.status as ModelStatus, createdAt: r.created_at, createdBy: r.created_by,
    params: fromJson(r.params), metrics: fromJson(r.metrics), training: fromJson(r.training),
    promotedAt: r.promoted_at, promotedBy: r.promoted_by, promotionReason: r.promotion_reason,
  };
}

const toStored = (r: Selectable<ModelsTable>): StoredModel => ({ ...toSummary(r), weights: r.weights });

/** Runs `fn` in a transaction, or directly when `q` already is one. */
async function inTransaction<T>(q: Queryable, fn: (trx: Queryable) => Promise<T>): Promise<T> {
  return q.isTransaction ? fn(q) : q.transaction().execute(fn);
}

/** Stores a new candidate under the next version number. */
export async function saveModel(q: Queryable, m: NewModel, actor: string, now: number): Promise<StoredModel> {
  return inTransaction(q, async (trx) => {
    // Serialise version numbering between writers on Postgres (SQLite transactions already hold the write lock).
    if (isPostgres(trx)) await sql`SELECT pg_advisory_xact_lock(7311005)`.execute(trx);
    const latest = await trx.selectFrom('models').select((eb) => eb.fn.max('version').as('v')).executeTakeFirst();
    const version = Number(latest?.v ?? 0) + 1;
    const row = {
      id: newId(), version, status: 'candidate', created_at: now, created_by: actor,
      params: toJson(m.params), metrics: toJson(m.metrics), training: toJson(m.training), weights: m.weights,
      promoted_at: null, promoted_by: null, promotion_reason: null,
    };
    await trx.insertInto('models').values(row).execute();
    return toStored({ ...row, params: m.params, metrics: m.metrics, training: m.training } as Selectable<ModelsTable>);
  });
}

export async function liveModel(q: Queryable): Promise<StoredModel | null> {
  const r = await q.selectFrom('models').selectAll().where('status', '=', 'live').executeTakeFirst();
  return r ? toStored(r) : null;
}

/** The live model's version, or null: a cheap check for whether a cached detector is stale. */
export async function liveModelVersion(q: Queryable): Promise<number | null> {
  const r = await q.selectFrom('models').select('version').where('status', '=', 'live').executeTakeFirst();
  return r ? Number(r.version) : null;
}

export async function modelByVersion(q: Queryable, version: number): Promise<StoredModel | null> {
  const r = await q.selectFrom('models').selectAll().where('version', '=', version).executeTakeFirst();
  return r ? toStored(r) : null;
}

/** Every model, newest first, without weights. */
export async function listModels(q: Queryable): Promise<ModelSummary[]> {
  const rows = await q.selectFrom('models').select(SUMMARY_COLUMNS).orderBy('version', 'desc').execute();
  return rows.map(toSummary);
}

/** Records extra facts about a model (e.g. its comparison with the live model) in its metrics. */
export async function updateModelMetrics(q: Queryable, version: number, metrics: unknown): Promise<void> {
  await q.updateTable('models').set({ metrics: toJson(metrics) }).where('version', '=', version).execute();
}

/** Makes `version` live and retires the model that was live, in one transaction; the live model cannot be promoted again. */
export async function promoteModel(
  q: Queryable,
  version: number,
  promotion: { by: string; reason: string },
  now: number,
): Promise<{ promoted: StoredModel; retired: number | null }> {
  return inTransaction(q, async (trx) => {
    const target = await modelByVersion(trx, version);
    if (!target) throw new Error(`no model version ${version}`);
    if (target.status === 'live') throw new Error(`model v${version} is already live`);
    const previous = await liveModelVersion(trx);
    if (previous !== null) await trx.updateTable('models').set({ status: 'retired' }).where('version', '=', previous).execute();
    await trx
      .updateTable('models')
      .set({ status: 'live', promoted_at: now, promoted_by: promotion.by, promotion_reason: promotion.reason })
      .where('version', '=', version)
      .execute();
    return {
      promoted: { ...target, status: 'live', promotedAt: now, promotedBy: promotion.by, promotionReason: promotion.reason },
      retired: previous,
    };
  });
}

/** One page of text items whose metadata carries a `labels` array, in id order (for training). */
export async function labelledItemsPage(
  q: Queryable,
  opts: { after?: string | undefined; limit: number },
): Promise<{ id: string; text: string | null; metadata: unknown }[]> {
  const hasLabels = isPostgres(q)
    ? sql<boolean>`jsonb_typeof(metadata -> 'labels') = 'array'`
    : sql<boolean>`json_type(metadata, '$.labels') = 'array'`;
  let query = q.selectFrom('items').select(['id', 'text', 'metadata']).where('text', 'is not', null).where(hasLabels).orderBy('id').limit(opts.limit);
  if (opts.after !== undefined) query = query.where('id', '>', opts.after);
  const rows = await query.execute();
  return rows.map((r) => ({ id: r.id, text: r.text, metadata: fromJson(r.metadata) }));
}
