import type { ExposureLimits, ReviewConfig } from './config.js';

/**
 * Reviewer wellness, without I/O: how media is shown to a reviewer (blurred and/or greyscale unless they reveal
 * it step by step) and how much high-severity media they have seen today against the limits the manager set.
 */

/** Severities whose media counts towards a reviewer's daily exposure. */
export const HIGH_SEVERITIES: ReadonlySet<string> = new Set(['S0', 'S1']);

/** The UTC day of an instant, 'YYYY-MM-DD': exposure counters reset at midnight UTC. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export interface WellnessToggles {
  blur: boolean;
  grayscale: boolean;
}

/**
 * The toggles in force for a reviewer on a queue: the organisation's default, then the queue's setting, then the
 * reviewer's own override, each toggle on its own (a queue may set only blur, a reviewer only greyscale).
 */
export function wellnessSettings(
  config: ReviewConfig,
  queueId: string | null,
  reviewerOverride: { blur?: boolean; grayscale?: boolean } | null,
): WellnessToggles {
  const queue = queueId === null ? undefined : config.queues.find((q) => q.id === queueId)?.wellness;
  return {
    blur: reviewerOverride?.blur ?? queue?.blur ?? config.wellness.blur,
    grayscale: reviewerOverride?.grayscale ?? queue?.grayscale ?? config.wellness.grayscale,
  };
}

/** A reviewer's own limits when the manager set them, else the organisation's. */
export function exposureLimitsFor(config: ReviewConfig, profileLimits: ExposureLimits | null): ExposureLimits {
  return profileLimits ?? config.wellness.limits;
}

export interface ExposureStatus {
  day: string;
  items: number;
  /** Minutes of high-severity media, to two decimals. */
  minutes: number;
  limits: ExposureLimits;
  /** Share of each limit used (1 = at the limit; can exceed 1). */
  itemsShare: number;
  minutesShare: number;
  /** No more high-severity media items for this reviewer until the next UTC day. */
  limitReached: boolean;
  /** Time to suggest a break: a limit is near (or reached). */
  breakPrompt: boolean;
}

export function exposureStatus(
  counters: { items: number; mediaMs: number },
  day: string,
  limits: ExposureLimits,
  breakPromptAt: number,
): ExposureStatus {
  const exactMinutes = counters.mediaMs / 60_000;
  const itemsShare = counters.items / limits.highSeverityItemsPerDay;
  const minutesShare = exactMinutes / limits.highSeverityMinutesPerDay;
  const limitReached = counters.items >= limits.highSeverityItemsPerDay || exactMinutes >= limits.highSeverityMinutesPerDay;
  return {
    day,
    items: counters.items,
    minutes: Math.round(exactMinutes * 100) / 100,
    limits,
    itemsShare: round4(itemsShare),
    minutesShare: round4(minutesShare),
    limitReached,
    breakPrompt: limitReached || itemsShare >= breakPromptAt || minutesShare >= breakPromptAt,
  };
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/**
 * The steps a reviewer reveals media in, each a deliberate (and, from 1 on, audited) request:
 * 0 as the settings say, 1 lightly blurred, 2 sharp (still greyscale when that is on), 3 the original.
 */
export const REVEAL_STEPS = [0, 1, 2, 3] as const;
export type RevealStep = (typeof REVEAL_STEPS)[number];

export const REVEAL_STEP_MEANING: Readonly<Record<RevealStep, string>> = {
  0: 'as the wellness settings say (blurred and/or greyscale)',
  1: 'lightly blurred (greyscale if that setting is on)',
  2: 'sharp, greyscale if that setting is on',
  3: 'the original',
};

/** Gaussian blur sigmas in pixels of the rendered image (at most a few hundred pixels on its long side). */
export const STRONG_BLUR_SIGMA = 18;
export const LIGHT_BLUR_SIGMA = 5;

export function isRevealStep(step: number): step is RevealStep {
  return (REVEAL_STEPS as readonly number[]).includes(step);
}

/** How media is rendered at a reveal step; blurSigma 0 means no blur. */
export function renderingFor(step: number, toggles: WellnessToggles): { blurSigma: number; grayscale: boolean } {
  if (!isRevealStep(step)) throw new RangeError(`reveal step must be one of ${REVEAL_STEPS.join(', ')}, not ${step}`);
  switch (step) {
    case 0:
      return { blurSigma: toggles.blur ? STRONG_BLUR_SIGMA : 0, grayscale: toggles.grayscale };
    case 1:
      return { blurSigma: toggles.blur ? LIGHT_BLUR_SIGMA : 0, grayscale: toggles.grayscale };
    case 2:
      return { blurSigma: 0, grayscale: toggles.grayscale };
    case 3:
      return { blurSigma: 0, grayscale: false };
  }
}
