/**
 * The SQL behind trends and spikes. Every count is a GROUP BY over an epoch-ms time column, bucketed arithmetically
 * (integer division by the bucket length) so the same SQL runs on SQLite and Postgres. Items, signals, decisions and
 * actions are placed in time by the item's own created_at (when it happened on the platform, so a backfill lands
 * where it belongs); reports by when the report job was opened.
 */
import { type RawBuilder, sql } from 'kysely';
import { BUCKET_MS, type Bucket, type Slice, type SliceSeries, WEEK_MS } from '../../analytics/trends/spikes.js';
import type { Queryable } from '../db.js';

export const METRICS = ['items', 'signals', 'decisions', 'actions', 'reports'] as const;
export type Metric = (typeof METRICS)[number];

interface MetricShape {
  from: RawBuilder<unknown>;
  time: RawBuilder<unknown>;
  itemId: RawBuilder<unknown>;
  dims: Record<string, RawBuilder<unknown>>;
}

const ref = (r: string) => sql.ref(r);
const SHAPES: Record<Metric, MetricShape> = {
  items: {
    from: sql`items i`, time: ref('i.created_at'), itemId: ref('i.id'),
    dims: { surface: ref('i.surface'), kind: ref('i.kind') },
  },
  signals: {
    from: sql`signals s inner join items i on i.id = s.item_id`, time: ref('i.created_at'), itemId: ref('s.item_id'),
    dims: { category: ref('s.category'), detector: ref('s.detector'), surface: ref('i.surface') },
  },
  decisions: {
    from: sql`decisions d inner join items i on i.id = d.item_id`, time: ref('i.created_at'), itemId: ref('d.item_id'),
    dims: { category: sql`coalesce(d.category, 'none')`, verdict: ref('d.verdict'), surface: ref('i.surface') },
  },
  actions: {
    from: sql`actions a inner join items i on i.id = a.item_id`, time: ref('i.created_at'), itemId: ref('a.item_id'),
    dims: { type: ref('a.type'), status: ref('a.status'), surface: ref('i.surface') },
  },
  reports: {
    from: sql`report_jobs r left join report_job_items ri on ri.job_id = r.id`, time: ref('r.created_at'), itemId: ref('ri.item_id'),
    dims: { status: ref('r.status'), category: sql`coalesce(ri.category, 'none')` },
  },
};

/** The dimensions each metric can be broken down and filtered by. */
export const METRIC_DIMENSIONS: Record<Metric, readonly string[]> = Object.fromEntries(
  METRICS.map((m) => [m, Object.keys(SHAPES[m].dims)]),
) as unknown as Record<Metric, readonly string[]>;

export interface VolumeQuery {
  metric: Metric;
  by: readonly string[];
  bucket: Bucket;
  from: number;
  to: number;
  /** dimension -> required value */
  filters: Readonly<Record<string, string>>;
}

export interface VolumeRow {
  /** Bucket start, epoch ms. */
  at: number;
  key: Record<string, string>;
  count: number;
}

function dim(metric: Metric, name: string): RawBuilder<unknown> {
  const d = SHAPES[metric].dims[name];
  if (!d) throw new RangeError(`${metric} has no dimension ${name} (one of ${METRIC_DIMENSIONS[metric].join(', ')})`);
  return d;
}

function whereClause(q: Pick<VolumeQuery, 'metric' | 'from' | 'to' | 'filters'>): RawBuilder<unknown> {
  const shape = SHAPES[q.metric];
  const parts = [sql`${shape.time} >= ${q.from}`, sql`${shape.time} < ${q.to}`];
  for (const [name, value] of Object.entries(q.filters)) parts.push(sql`${dim(q.metric, name)} = ${value}`);
  return sql.join(parts, sql` and `);
}

/** Counts per bucket and per combination of the `by` dimensions, oldest bucket first. */
export async function loadVolumes(db: Queryable, q: VolumeQuery): Promise<VolumeRow[]> {
  const shape = SHAPES[q.metric];
  const size = sql.lit(BUCKET_MS[q.bucket]);
  const dims = q.by.map((name, k) => sql`${dim(q.metric, name)} as ${sql.ref(`d${k}`)}`);
  const select = sql.join([sql`${shape.time} / ${size} as b`, ...dims, sql`count(*) as n`]);
  const group = sql.join([sql`${shape.time} / ${size}`, ...q.by.map((name) => dim(q.metric, name))]);
  const rows = await sql<Record<string, unknown>>`select ${select} from ${shape.from} where ${whereClause(q)} group by ${group} order by 1`
    .execute(db);
  return rows.rows.map((r) => ({
    at: Number(r.b) * BUCKET_MS[q.bucket],
    key: Object.fromEntries(q.by.map((name, k) => [name, String(r[`d${k}`])])),
    count: Number(r.n),
  }));
}

/** The items behind one point of a volume chart (drill-down), newest first. */
export async function loadVolumeItems(
  db: Queryable, q: Pick<VolumeQuery, 'metric' | 'from' | 'to' | 'filters'>, limit: number,
): Promise<string[]> {
  const shape = SHAPES[q.metric];
  const rows = await sql<{ item_id: string; t: unknown }>`select ${shape.itemId} as item_id, max(${shape.time}) as t from ${shape.from}
    where ${whereClause(q)} and ${shape.itemId} is not null group by ${shape.itemId} order by 2 desc, 1 limit ${limit}`.execute(db);
  return rows.rows.map((r) => r.item_id);
}

// ---- prevalence --------------------------------------------------------------------------------------------------

export interface LabelRow {
  itemId: string;
  surface: string;
  category: string | null;
  kind: string;
  verdict: string;
  at: number;
}

/**
 * Human labels of items (review and QA decisions) made in the window, with the category under review (the decision's
 * own category, else the task's) and the item's surface. Uses review_decisions_created.
 */
export async function loadReviewLabels(db: Queryable, from: number, to: number): Promise<LabelRow[]> {
  const rows = await db.selectFrom('review_decisions as rd')
    .innerJoin('items as i', 'i.id', 'rd.item_id')
    .innerJoin('review_tasks as t', 't.id', 'rd.task_id')
    .select(['rd.item_id', 'i.surface', 'rd.category', 't.category as task_category', 'rd.kind', 'rd.verdict', 'rd.created_at'])
    .where('rd.kind', 'in', ['review', 'qa'])
    .where('rd.created_at', '>=', from).where('rd.created_at', '<', to)
    .orderBy('rd.created_at').orderBy('rd.id')
    .execute();
  return rows.map((r) => ({
    itemId: r.item_id, surface: r.surface, category: r.category ?? r.task_category, kind: r.kind, verdict: r.verdict, at: Number(r.created_at),
  }));
}

// ---- spikes ------------------------------------------------------------------------------------------------------

/**
 * Per-bucket counts of distinct flagged items (items with at least one signal) for every category-on-surface slice
 * and every detector, over [from, to).
 */
export async function loadSliceSeries(db: Queryable, bucket: Bucket, from: number, to: number): Promise<SliceSeries[]> {
  const size = sql.lit(BUCKET_MS[bucket]);
  const range = sql`i.created_at >= ${from} and i.created_at < ${to}`;
  const [bySurface, byDetector] = await Promise.all([
    sql<{ b: unknown; category: string; surface: string; n: unknown }>`select i.created_at / ${size} as b, s.category, i.surface,
      count(distinct s.item_id) as n from signals s inner join items i on i.id = s.item_id where ${range}
      group by i.created_at / ${size}, s.category, i.surface`.execute(db),
    sql<{ b: unknown; detector: string; n: unknown }>`select i.created_at / ${size} as b, s.detector, count(distinct s.item_id) as n
      from signals s inner join items i on i.id = s.item_id where ${range} group by i.created_at / ${size}, s.detector`.execute(db),
  ]);
  const series = new Map<string, { slice: Slice; counts: Map<number, number> }>();
  const add = (key: string, slice: Slice, b: unknown, n: unknown) => {
    const s = series.get(key) ?? { slice, counts: new Map<number, number>() };
    series.set(key, s);
    s.counts.set(Number(b) * BUCKET_MS[bucket], Number(n));
  };
  for (const r of bySurface.rows) add(`c|${r.category}|${r.surface}`, { kind: 'category_surface', category: r.category, surface: r.surface }, r.b, r.n);
  for (const r of byDetector.rows) add(`d|${r.detector}`, { kind: 'detector', detector: r.detector }, r.b, r.n);
  return [...series.values()];
}

/** Whether any item predates `at`: the weekly baseline needs that much history. */
export async function hasItemsBefore(db: Queryable, at: number): Promise<boolean> {
  return (await db.selectFrom('items').select('id').where('created_at', '<', at).limit(1).executeTakeFirst()) !== undefined;
}

/** The flagged items behind a slice in one bucket, newest first. */
export async function loadSliceItems(db: Queryable, slice: Slice, from: number, to: number, limit: number): Promise<{ ids: string[] }> {
  const match = slice.kind === 'detector'
    ? sql`s.detector = ${slice.detector}`
    : sql`s.category = ${slice.category} and i.surface = ${slice.surface}`;
  const rows = await sql<{ id: string }>`select distinct i.id, i.created_at from signals s inner join items i on i.id = s.item_id
    where ${match} and i.created_at >= ${from} and i.created_at < ${to} order by i.created_at desc, i.id limit ${limit}`.execute(db);
  return { ids: rows.rows.map((r) => r.id) };
}

export { WEEK_MS };
