import assert from 'node:assert/strict';
import { test } from 'node:test';
import { baselineBuckets, DAY_MS, detectSpikes, HOUR_MS, type SliceSeries, type SpikeOptions, WEEK_MS } from '../../../src/analytics/trends/spikes.js';

const T = Date.UTC(2026, 0, 29, 14); // a Thursday, 14:00
const opts = (o: Partial<SpikeOptions> = {}): SpikeOptions => ({
  bucket: 'hour', current: T, historyStart: T - 60 * DAY_MS, weeks: 4, days: 7, minCount: 5, threshold: 3.5, ...o,
});
const cs = (category: string, surface: string, counts: [number, number][]): SliceSeries => ({
  slice: { kind: 'category_surface', category, surface }, counts: new Map(counts),
});

test('baseline: same hour on the previous weeks when there is history, else the previous days', () => {
  const weekly = baselineBuckets(opts());
  assert.equal(weekly.method, 'same_hour_previous_weeks');
  assert.deepEqual(weekly.points.map((p) => p.at), [1, 2, 3, 4].map((k) => T - k * WEEK_MS));
  const short = baselineBuckets(opts({ historyStart: T - 10 * DAY_MS }));
  assert.equal(short.method, 'same_hour_previous_days');
  assert.deepEqual(short.points.map((p) => p.at), [1, 2, 3, 4, 5, 6, 7].map((k) => T - k * DAY_MS));
  assert.equal(baselineBuckets(opts({ bucket: 'day', current: T - 14 * HOUR_MS })).method, 'same_weekday_previous_weeks');
});

test('a burst alerts with its slice, value, baseline and score; flat, small and seasonal slices do not', () => {
  const weeks = (values: number[]) => values.map((v, k) => [T - (k + 1) * WEEK_MS, v] as [number, number]);
  const series = [
    cs('CSE-13', 'comment', [[T, 14], ...weeks([1, 0, 2, 1])]), // the burst
    cs('CSE-13', 'direct_message', [[T, 9], ...weeks([8, 10, 9, 11])]), // busy but as usual
    cs('CSE-05', 'comment', [[T, 4], ...weeks([0, 0, 0, 0])]), // below the minimum count
    // Every Thursday at 14:00 is busy: the weekly baseline knows, although the hours before were quiet.
    cs('CSE-06', 'public_post', [[T, 20], [T - DAY_MS, 0], [T - 2 * DAY_MS, 0], ...weeks([19, 22, 20, 21])]),
  ];
  const alerts = detectSpikes(series, opts());
  assert.equal(alerts.length, 1, JSON.stringify(alerts.map((a) => a.label)));
  const a = alerts[0]!;
  assert.deepEqual(a.slice, { kind: 'category_surface', category: 'CSE-13', surface: 'comment' });
  assert.equal(a.label, 'CSE-13 on comment');
  assert.equal(a.value, 14);
  assert.equal(a.baseline.median, 1);
  assert.deepEqual(a.baseline.points.map((p) => p.count), [1, 0, 2, 1]);
  // median 1, MAD 0.5 -> 1.4826 * 0.5 = 0.7413 < sqrt(1): scale 1, z = 13.
  assert.equal(a.score, 13);
  assert.equal(a.at, T);

  // The same series with the daily fallback (short history) compares against the quiet previous days.
  const daily = detectSpikes(series, opts({ historyStart: T - 3 * DAY_MS }));
  assert.ok(daily.some((x) => x.label === 'CSE-06 on public_post'), 'without weeks of history a weekly rhythm looks like a spike');
});

test('alerts are ordered by score; a detector slice is labelled by its detector', () => {
  const alerts = detectSpikes([
    cs('A', 's', [[T, 6]]),
    { slice: { kind: 'detector', detector: 'text.rules' }, counts: new Map([[T, 30]]) },
  ], opts());
  assert.deepEqual(alerts.map((a) => [a.label, a.score]), [['detector text.rules', 30], ['A on s', 6]]);
});
