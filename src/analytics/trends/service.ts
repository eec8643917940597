/** Trends answers as the routes and the CLI give them: store reads (repos/analytics-trends) plus the pure maths. */
import type { Queryable } from '../../store/db.js';
import {
  hasItemsBefore, loadReviewLabels, loadSliceItems, loadSliceSeries, loadVolumeItems, loadVolumes, METRIC_DIMENSIONS, type Metric,
} from '../../store/repos/analytics-trends.js';
import { FILTER_NAMES, parseBy, parseTime, parseWindow, type SpikesQuery, TrendsParamError, type VolumesQuery } from './params.js';
import { estimatePrevalence, type PrevalenceRow } from './prevalence.js';
import { alignDown, BUCKET_MS, baselineBuckets, detectSpikes, type Spike, WEEK_MS } from './spikes.js';

export interface VolumePoint {
  at: number;
  key: Record<string, string>;
  count: number;
  /** GET this to list the items behind the point. */
  drill: string;
}

function filtersOf(q: Partial<Record<(typeof FILTER_NAMES)[number], string | undefined>>, metric: Metric): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FILTER_NAMES) {
    const v = q[name];
    if (v === undefined) continue;
    if (!METRIC_DIMENSIONS[metric].includes(name)) {
      throw new TrendsParamError(`${name}: ${metric} cannot be filtered by ${name} (one of ${METRIC_DIMENSIONS[metric].join(', ')})`);
    }
    out[name] = v;
  }
  return out;
}

export async function volumes(db: Queryable, q: VolumesQuery, now: number) {
  const by = parseBy(q.by, METRIC_DIMENSIONS[q.metric], q.metric);
  const { from, to } = parseWindow(q.since, q.until, now);
  const filters = filtersOf(q, q.metric);
  const size = BUCKET_MS[q.bucket];
  const rows = await loadVolumes(db, { metric: q.metric, by, bucket: q.bucket, from, to, filters });
  const points: VolumePoint[] = rows.map((r) => {
    const params = new URLSearchParams({ metric: q.metric, since: `${Math.round(size / 3_600_000)}h`, until: String(r.at + size), ...filters, ...r.key });
    return { ...r, drill: `/v1/analytics/volumes/items?${params.toString()}` };
  });
  return { metric: q.metric, by, bucket: q.bucket, from, to, filters, dimensions: METRIC_DIMENSIONS[q.metric], points };
}

export async function volumeItems(
  db: Queryable, q: Omit<VolumesQuery, 'by' | 'bucket'> & { limit: number }, now: number,
): Promise<{ metric: Metric; from: number; to: number; items: string[] }> {
  const { from, to } = parseWindow(q.since, q.until, now);
  const items = await loadVolumeItems(db, { metric: q.metric, from, to, filters: filtersOf(q, q.metric) }, q.limit);
  return { metric: q.metric, from, to, items };
}

export async function prevalence(
  db: Queryable, q: { since: string; until?: string | undefined; category?: string | undefined; surface?: string | undefined }, now: number,
): Promise<{ from: number; to: number; rows: PrevalenceRow[] }> {
  const { from, to } = parseWindow(q.since, q.until, now);
  const rows = estimatePrevalence(await loadReviewLabels(db, from, to))
    .filter((r) => (q.category === undefined || r.category === q.category) && (q.surface === undefined || r.surface === q.surface));
  return { from, to, rows };
}

export interface SpikeAlert extends Spike {
  /** The flagged items in the slice's bucket (a sample, newest first) and how to list all of them. */
  items: string[];
  drill: string;
}

/** Spikes in the last complete bucket before `until` (default now), against the seasonal baseline. */
export async function spikes(db: Queryable, q: SpikesQuery, now: number): Promise<{ bucket: string; at: number; method: string; alerts: SpikeAlert[] }> {
  const size = BUCKET_MS[q.bucket];
  const end = alignDown(q.until === undefined ? now : parseTime('until', q.until), size);
  const current = end - size;
  const weeklyFrom = current - q.weeks * WEEK_MS;
  const historyStart = (await hasItemsBefore(db, weeklyFrom + 1)) ? weeklyFrom : current;
  const opts = { bucket: q.bucket, current, historyStart, weeks: q.weeks, days: q.days, minCount: q.minCount, threshold: q.threshold };
  const shape = baselineBuckets(opts);
  const earliest = Math.min(current, ...shape.points.map((p) => p.at));
  const series = await loadSliceSeries(db, q.bucket, earliest, end);
  const found = detectSpikes(series, opts);
  const alerts: SpikeAlert[] = [];
  for (const s of found) {
    const { ids } = await loadSliceItems(db, s.slice, current, end, q.sample);
    const filters: Record<string, string> = s.slice.kind === 'detector'
      ? { detector: s.slice.detector } : { category: s.slice.category, surface: s.slice.surface };
    const params = new URLSearchParams({ metric: 'signals', since: `${Math.round(size / 3_600_000)}h`, until: String(end), ...filters });
    alerts.push({ ...s, items: ids, drill: `/v1/analytics/volumes/items?${params.toString()}` });
  }
  return { bucket: q.bucket, at: current, method: shape.method, alerts };
}
