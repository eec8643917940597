import { z } from 'zod';
import type { Haven } from '../../app.js';
import { sinceWindow, TacticsWindowError, termWindows } from '../../analytics/tactics/windows.js';
import { loadEmergingTerms, loadHashEvasion, loadTactics } from '../../store/repos/analytics-tactics.js';
import { HttpError } from '../errors.js';
import type { RouteTable } from '../route.js';

const length = (fallback: string, what: string) =>
  z.string().max(16).default(fallback).describe(`${what}: hours or days, e.g. 24h, 7d, 28d (at most 90d)`);

/** Turns a bad window into a 400 naming the parameter. */
function windowed<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TacticsWindowError) throw new HttpError(400, 'invalid_request', `query.${e.message}`);
    throw e;
  }
}

/** Adversarial tactics: evasions the normaliser undid, emerging terms, hash-evasion variant families. */
export function analyticsTacticsRoutes(routes: RouteTable, haven: Haven): void {
  routes.add({
    method: 'GET', url: '/v1/analytics/tactics', tag: 'analytics', access: 'analytics:read',
    summary: 'Obfuscation tactics the text normaliser undid, per UTC day and per category, with the items behind each point ' +
      'and which tactics are rising (the last quarter of the window against the rest)',
    query: z.strictObject({ since: length('28d', 'window length') }),
    async handler({ query }) {
      const w = windowed(() => sinceWindow(query.since, haven.clock.now()));
      return loadTactics(haven.store.db, w);
    },
  });

  routes.add({
    method: 'GET', url: '/v1/analytics/emerging-terms', tag: 'analytics', access: 'analytics:read',
    summary: 'Word n-grams (1-3) of violating items whose share grows faster in the recent window than in the baseline ' +
      'window before it, with the growth (log-ratio), a binomial p-value and example item ids',
    query: z.strictObject({
      since: length('7d', 'recent window length'),
      baseline: length('28d', 'baseline window length, right before the recent window'),
    }),
    async handler({ query }) {
      const w = windowed(() => termWindows(query.since, query.baseline, haven.clock.now()));
      return loadEmergingTerms(haven.store.db, w);
    },
  });

  routes.add({
    method: 'GET', url: '/v1/analytics/hash-evasion', tag: 'analytics', access: 'analytics:read',
    summary: 'Near-miss PDQ variants around banked entries, grouped into variant families (single link at 31 bits), ' +
      'the families new in the window and how many of their items reviewers confirmed',
    query: z.strictObject({ since: length('7d', 'window length') }),
    async handler({ query }) {
      const w = windowed(() => sinceWindow(query.since, haven.clock.now()));
      return loadHashEvasion(haven.store.db, w);
    },
  });
}
