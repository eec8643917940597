/** Inputs shared by the trends routes and the CLI, validated once (zod) with messages that name the bad parameter. */
import { z } from 'zod';
import { DAY_MS, HOUR_MS } from './spikes.js';

export const MAX_TREND_DAYS = 400;

export class TrendsParamError extends Error {}

/** `48h`, `30d`: a whole number of hours or days, at most MAX_TREND_DAYS. */
export function parseDuration(name: string, value: string): number {
  const m = /^(\d{1,5})([hd])$/.exec(value.trim());
  if (!m) throw new TrendsParamError(`${name} must be a number of hours or days such as 24h or 30d, not "${value}"`);
  const ms = Number(m[1]) * (m[2] === 'h' ? HOUR_MS : DAY_MS);
  if (ms <= 0) throw new TrendsParamError(`${name} must be longer than zero`);
  if (ms > MAX_TREND_DAYS * DAY_MS) throw new TrendsParamError(`${name} may be at most ${MAX_TREND_DAYS}d, not "${value}"`);
  return ms;
}

/** An ISO 8601 time or epoch milliseconds. */
export function parseTime(name: string, value: string): number {
  const t = /^\d{1,15}$/.test(value) ? Number(value) : /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(t)) throw new TrendsParamError(`${name} must be an ISO 8601 time such as 2026-01-31T00:00:00Z or epoch ms, not "${value}"`);
  return t;
}

/** [until - since, until), until defaulting to now. */
export function parseWindow(since: string, until: string | undefined, now: number): { from: number; to: number } {
  const length = parseDuration('since', since);
  const to = until === undefined ? now : parseTime('until', until);
  return { from: to - length, to };
}

/** Comma-separated dimension names, each one the metric has. */
export function parseBy(by: string | undefined, allowed: readonly string[], metric: string): string[] {
  if (by === undefined || by.trim() === '') return [];
  const names = by.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  for (const n of names) {
    if (!allowed.includes(n)) throw new TrendsParamError(`by: ${metric} has no dimension "${n}" (one of ${allowed.join(', ')})`);
  }
  if (new Set(names).size !== names.length) throw new TrendsParamError('by: a dimension is named twice');
  return names;
}

const dimValue = z.string().min(1).max(128);
const since = z.string().max(16);
const until = z.string().max(40).optional().describe('end of the window: ISO 8601 or epoch ms (default: now)');

export const volumesQuerySchema = z.strictObject({
  metric: z.enum(['items', 'signals', 'decisions', 'actions', 'reports']).describe('what to count'),
  by: z.string().max(100).optional().describe('comma-separated dimensions: category, surface, detector, verdict, kind, type, status (as the metric has them)'),
  bucket: z.enum(['day', 'hour']).default('day'),
  since: since.default('30d').describe('window length, e.g. 48h, 30d'),
  until,
  category: dimValue.optional(), surface: dimValue.optional(), detector: dimValue.optional(), verdict: dimValue.optional(),
  kind: dimValue.optional(), type: dimValue.optional(), status: dimValue.optional(),
});
export type VolumesQuery = z.infer<typeof volumesQuerySchema>;

export const FILTER_NAMES = ['category', 'surface', 'detector', 'verdict', 'kind', 'type', 'status'] as const;

export const volumeItemsQuerySchema = volumesQuerySchema.omit({ by: true, bucket: true }).extend({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const prevalenceQuerySchema = z.strictObject({
  since: since.default('30d').describe('window of review decisions, e.g. 30d'),
  until,
  category: dimValue.optional(),
  surface: dimValue.optional(),
});

export const spikesQuerySchema = z.strictObject({
  bucket: z.enum(['day', 'hour']).default('day').describe('compare the last complete day or hour'),
  until: until.describe('end of the bucket under test, rounded down to the bucket (default: now)'),
  weeks: z.coerce.number().int().min(1).max(12).default(4).describe('weeks of seasonal baseline'),
  days: z.coerce.number().int().min(2).max(28).default(7).describe('days of baseline when history is shorter than the weeks'),
  minCount: z.coerce.number().int().min(1).max(1_000_000).default(5).describe('least count in the bucket to alert on'),
  threshold: z.coerce.number().min(0.5).max(100).default(3.5).describe('robust z-score to alert at'),
  sample: z.coerce.number().int().min(0).max(200).default(20).describe('item ids per alert'),
});
export type SpikesQuery = z.infer<typeof spikesQuerySchema>;
