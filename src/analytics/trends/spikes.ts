/**
 * Spike detection against a seasonal baseline: for each slice, the count in the current bucket against the counts
 * in the same bucket on the previous N weeks (same hour of the same weekday), or on the previous N days when the
 * history is shorter than N weeks. Scored with a robust z (median and MAD), and only counts above a minimum alert.
 */
import { type RobustZ, robustZ } from './stats.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
export type Bucket = 'hour' | 'day';
export const BUCKET_MS: Record<Bucket, number> = { hour: HOUR_MS, day: DAY_MS };

/** A slice is either a category on a surface, or one detector. */
export type Slice = { kind: 'category_surface'; category: string; surface: string } | { kind: 'detector'; detector: string };

export function sliceKey(s: Slice): string {
  return s.kind === 'detector' ? `detector:${s.detector}` : `category_surface:${s.category}|${s.surface}`;
}

export function sliceLabel(s: Slice): string {
  return s.kind === 'detector' ? `detector ${s.detector}` : `${s.category} on ${s.surface}`;
}

export interface SliceSeries {
  slice: Slice;
  /** Bucket start (epoch ms) -> count; missing buckets count 0. */
  counts: ReadonlyMap<number, number>;
}

export interface SpikeOptions {
  bucket: Bucket;
  /** Start of the bucket under test (epoch ms, aligned to the bucket). */
  current: number;
  /** Earliest time any data exists; decides between the weekly and the daily baseline. */
  historyStart: number;
  weeks: number;
  days: number;
  /** Counts below this never alert, however flat the baseline. */
  minCount: number;
  /** Robust z at or above which a slice alerts. */
  threshold: number;
}

export interface SpikeBaseline {
  method: 'same_hour_previous_weeks' | 'same_weekday_previous_weeks' | 'same_hour_previous_days' | 'previous_days';
  /** Start of each baseline bucket, newest first, and its count. */
  points: { at: number; count: number }[];
}

export interface Spike {
  slice: Slice;
  label: string;
  bucket: Bucket;
  at: number;
  value: number;
  baseline: SpikeBaseline & Omit<RobustZ, 'z'>;
  score: number;
}

/** The bucket starts the baseline is made of, newest first. */
export function baselineBuckets(o: Pick<SpikeOptions, 'bucket' | 'current' | 'historyStart' | 'weeks' | 'days'>): SpikeBaseline {
  const weekly = o.current - o.weeks * WEEK_MS >= alignDown(o.historyStart, BUCKET_MS[o.bucket]);
  const step = weekly ? WEEK_MS : DAY_MS;
  const n = weekly ? o.weeks : o.days;
  const method: SpikeBaseline['method'] = weekly
    ? (o.bucket === 'hour' ? 'same_hour_previous_weeks' : 'same_weekday_previous_weeks')
    : (o.bucket === 'hour' ? 'same_hour_previous_days' : 'previous_days');
  return { method, points: Array.from({ length: n }, (_v, k) => ({ at: o.current - (k + 1) * step, count: 0 })) };
}

export function alignDown(ms: number, bucketMs: number): number {
  return Math.floor(ms / bucketMs) * bucketMs;
}

/** Every slice whose current count is at least minCount and scores at or above the threshold, highest score first. */
export function detectSpikes(series: readonly SliceSeries[], o: SpikeOptions): Spike[] {
  const shape = baselineBuckets(o);
  const out: Spike[] = [];
  for (const s of series) {
    const value = s.counts.get(o.current) ?? 0;
    if (value < o.minCount) continue;
    const points = shape.points.map((p) => ({ at: p.at, count: s.counts.get(p.at) ?? 0 }));
    const rz = robustZ(value, points.map((p) => p.count));
    if (rz.z < o.threshold) continue;
    out.push({
      slice: s.slice, label: sliceLabel(s.slice), bucket: o.bucket, at: o.current, value,
      baseline: { method: shape.method, points, median: rz.median, mad: rz.mad, scale: rz.scale },
      score: Math.round(rz.z * 100) / 100,
    });
  }
  return out.sort((a, b) => b.score - a.score || b.value - a.value || sliceKey(a.slice).localeCompare(sliceKey(b.slice)));
}
