import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_REVIEW_CONFIG, type ReviewConfig } from '../../src/review/config.js';
import {
  exposureLimitsFor, exposureStatus, HIGH_SEVERITIES, LIGHT_BLUR_SIGMA, REVEAL_STEPS, renderingFor, STRONG_BLUR_SIGMA, utcDay,
  wellnessSettings,
} from '../../src/review/wellness.js';

const LIMITS = { highSeverityItemsPerDay: 10, highSeverityMinutesPerDay: 30 };
const MIN = 60_000;

function config(over: { blur?: boolean; grayscale?: boolean; queueWellness?: { blur?: boolean; grayscale?: boolean } } = {}): ReviewConfig {
  return {
    ...DEFAULT_REVIEW_CONFIG,
    wellness: { ...DEFAULT_REVIEW_CONFIG.wellness, blur: over.blur ?? true, grayscale: over.grayscale ?? true },
    queues: [
      { id: 'video', name: 'Video', filters: {}, clearance: 'standard', skills: [], ...(over.queueWellness ? { wellness: over.queueWellness } : {}) },
      { id: 'plain', name: 'Plain', filters: {}, clearance: 'standard', skills: [] },
    ],
  };
}

test('high severity is S0 and S1 only', () => {
  assert.deepEqual([...HIGH_SEVERITIES].sort(), ['S0', 'S1']);
  assert.equal(HIGH_SEVERITIES.has('S2'), false);
});

test('utcDay is the UTC calendar day, whatever the local time zone', () => {
  assert.equal(utcDay(Date.UTC(2026, 2, 14, 23, 59, 59, 999)), '2026-03-14');
  assert.equal(utcDay(Date.UTC(2026, 2, 15, 0, 0, 0, 0)), '2026-03-15');
  assert.equal(utcDay(Date.UTC(2026, 0, 5, 12)), '2026-01-05');
});

test('wellness settings: organisation, then queue, then reviewer, each toggle on its own', () => {
  const c = config({ blur: true, grayscale: true, queueWellness: { grayscale: false } });
  assert.deepEqual(wellnessSettings(c, null, null), { blur: true, grayscale: true });
  assert.deepEqual(wellnessSettings(c, 'plain', null), { blur: true, grayscale: true }, 'a queue without settings keeps the organisation default');
  assert.deepEqual(wellnessSettings(c, 'unknown-queue', null), { blur: true, grayscale: true });
  assert.deepEqual(wellnessSettings(c, 'video', null), { blur: true, grayscale: false }, 'the queue overrides greyscale only');
  assert.deepEqual(wellnessSettings(c, 'video', { blur: false }), { blur: false, grayscale: false }, 'the reviewer overrides blur, the queue still greyscale');
  assert.deepEqual(wellnessSettings(c, 'video', { grayscale: true }), { blur: true, grayscale: true }, 'the reviewer beats the queue');
  assert.deepEqual(wellnessSettings(config({ blur: false, grayscale: false }), 'plain', { blur: true }), { blur: true, grayscale: false });
});

test('exposure limits: the reviewer\'s own when the manager set them, else the organisation\'s', () => {
  const c = config();
  assert.deepEqual(exposureLimitsFor(c, null), DEFAULT_REVIEW_CONFIG.wellness.limits);
  assert.deepEqual(exposureLimitsFor(c, LIMITS), LIMITS);
});

test('exposure status: shares, the break prompt before the limit, and the limit', () => {
  const none = exposureStatus({ items: 0, mediaMs: 0 }, '2026-03-14', LIMITS, 0.8);
  assert.deepEqual(none, {
    day: '2026-03-14', items: 0, minutes: 0, limits: LIMITS, itemsShare: 0, minutesShare: 0, limitReached: false, breakPrompt: false,
  });
  const some = exposureStatus({ items: 7, mediaMs: 12 * MIN + 30_000 }, 'd', LIMITS, 0.8);
  assert.equal(some.minutes, 12.5);
  assert.equal(some.itemsShare, 0.7);
  assert.equal(some.minutesShare, Math.round((12.5 / 30) * 10_000) / 10_000);
  assert.equal(some.breakPrompt, false);
  assert.equal(some.limitReached, false);

  const nearItems = exposureStatus({ items: 8, mediaMs: 0 }, 'd', LIMITS, 0.8);
  assert.deepEqual([nearItems.breakPrompt, nearItems.limitReached], [true, false], 'items at 80 % prompt a break');
  const nearMinutes = exposureStatus({ items: 0, mediaMs: 24 * MIN }, 'd', LIMITS, 0.8);
  assert.deepEqual([nearMinutes.breakPrompt, nearMinutes.limitReached], [true, false], 'minutes at 80 % prompt a break');
  const justUnder = exposureStatus({ items: 9, mediaMs: 30 * MIN - 1 }, 'd', LIMITS, 1);
  assert.deepEqual([justUnder.breakPrompt, justUnder.limitReached], [false, false], 'one millisecond short is not the limit');

  const atItems = exposureStatus({ items: 10, mediaMs: 0 }, 'd', LIMITS, 1);
  assert.deepEqual([atItems.limitReached, atItems.breakPrompt], [true, true]);
  const atMinutes = exposureStatus({ items: 0, mediaMs: 30 * MIN }, 'd', LIMITS, 1);
  assert.deepEqual([atMinutes.limitReached, atMinutes.breakPrompt], [true, true]);
  const over = exposureStatus({ items: 15, mediaMs: 0 }, 'd', LIMITS, 0.8);
  assert.equal(over.itemsShare, 1.5);
});

test('reveal steps: blurred and greyscale, lightly blurred, sharp, original', () => {
  assert.deepEqual([...REVEAL_STEPS], [0, 1, 2, 3]);
  const both = { blur: true, grayscale: true };
  assert.deepEqual(REVEAL_STEPS.map((s) => renderingFor(s, both)), [
    { blurSigma: STRONG_BLUR_SIGMA, grayscale: true },
    { blurSigma: LIGHT_BLUR_SIGMA, grayscale: true },
    { blurSigma: 0, grayscale: true },
    { blurSigma: 0, grayscale: false },
  ]);
  assert.ok(STRONG_BLUR_SIGMA > LIGHT_BLUR_SIGMA && LIGHT_BLUR_SIGMA > 0);

  const blurOnly = { blur: true, grayscale: false };
  assert.deepEqual(REVEAL_STEPS.map((s) => renderingFor(s, blurOnly)), [
    { blurSigma: STRONG_BLUR_SIGMA, grayscale: false },
    { blurSigma: LIGHT_BLUR_SIGMA, grayscale: false },
    { blurSigma: 0, grayscale: false },
    { blurSigma: 0, grayscale: false },
  ]);
  const grayOnly = { blur: false, grayscale: true };
  assert.deepEqual(REVEAL_STEPS.map((s) => renderingFor(s, grayOnly)), [
    { blurSigma: 0, grayscale: true },
    { blurSigma: 0, grayscale: true },
    { blurSigma: 0, grayscale: true },
    { blurSigma: 0, grayscale: false },
  ]);
  const neither = { blur: false, grayscale: false };
  assert.deepEqual(renderingFor(0, neither), { blurSigma: 0, grayscale: false }, 'with both off, step 0 is already the original');
});

test('a reveal step outside 0..3 is refused', () => {
  for (const bad of [-1, 4, 1.5, Number.NaN]) {
    assert.throws(() => renderingFor(bad, { blur: true, grayscale: true }), /reveal step must be one of 0, 1, 2, 3/);
  }
});
