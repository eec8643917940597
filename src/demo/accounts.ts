/** Synthetic accounts shared by the demo world and the streaming benchmark items. */
import type { AccountInput } from '../core/item-input.js';
import { type AgeBand, isMinorBand } from '../core/types.js';
import type { Rng } from './random.js';

export const DAY_MS = 86_400_000;
/** Fixed default clock, so a world generated without `now` is identical on every run. */
export const DEFAULT_NOW = Date.UTC(2026, 9, 1);

/** Share of each age band; the remainder is adult. Quotas (not coin flips) so small worlds still get every band. */
const BAND_SHARES: readonly [AgeBand, number][] = [
  ['unknown', 0.1],
  ['16_17', 0.08],
  ['13_15', 0.08],
  ['under_13', 0.04],
];

export type DemoAccount = AccountInput & { ageBand: AgeBand; createdAt: number };

export function makeAccounts(rng: Rng, count: number, now: number, prefix: string, digits: number): DemoAccount[] {
  const bands: AgeBand[] = [];
  for (const [band, share] of BAND_SHARES) {
    for (let i = 0; i < Math.round(count * share); i++) bands.push(band);
  }
  while (bands.length < count) bands.push('adult');
  const shuffled = rng.shuffle(bands.slice(0, count));
  // Created over the last two years but at least 31 days ago, so every account predates its items.
  return shuffled.map((ageBand, i) => ({
    externalId: `${prefix}${String(i + 1).padStart(digits, '0')}`,
    ageBand,
    createdAt: now - 31 * DAY_MS - rng.int(0, 699 * DAY_MS),
  }));
}

/** A copy, so items never share (and accidentally mutate) one account object. */
export function ref(a: DemoAccount): AccountInput {
  return { externalId: a.externalId, ageBand: a.ageBand, createdAt: a.createdAt };
}

export function isMinor(a: DemoAccount): boolean {
  return isMinorBand(a.ageBand);
}

export function pad(n: number, digits: number): string {
  return String(n).padStart(digits, '0');
}
