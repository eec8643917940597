import { z } from 'zod';
import {
  banEvasionReport, DEFAULT_NETWORK_WINDOW, networkRanking, networkView, repeatOffenderReport,
} from '../../analytics/networks/load.js';
import type { Haven } from '../../app.js';
import { OpsWindowError, opsWindow } from '../../review/ops/window.js';
import { type NetworkWindow, resolveAccountId } from '../../store/repos/analytics-networks.js';
import { HttpError } from '../errors.js';
import type { RouteTable } from '../route.js';

const windowQuery = {
  since: z.string().max(16).default(DEFAULT_NETWORK_WINDOW).describe('window length: hours or days, e.g. 24h, 7d, 30d (at most 90d)'),
  until: z.string().max(40).optional().describe('end of the window, ISO 8601 (default: now)'),
};
const limit = (max: number, dflt: number) => z.coerce.number().int().min(1).max(max).default(dflt).describe(`how many to return (1..${max})`);

/** Behaviour networks: ranked communities of linked accounts, one community's graph, repeat offenders, ban evasion. */
export function analyticsNetworksRoutes(routes: RouteTable, haven: Haven): void {
  const windowOf = (q: { since: string; until?: string | undefined }): NetworkWindow => {
    try {
      return opsWindow({ since: q.since, until: q.until, now: haven.clock.now() });
    } catch (e) {
      if (e instanceof OpsWindowError) throw new HttpError(400, 'invalid_request', `query.${e.message}`);
      throw e;
    }
  };

  routes.add({
    method: 'GET', url: '/v1/analytics/networks', tag: 'analytics', access: 'analytics:read',
    summary: 'Communities of accounts linked by shared banked or matched media, shared minor-band targets and shared device/IP ' +
      'hashes (Louvain, fixed seed), ranked by risk, each with its reasons and the ids behind them',
    query: z.strictObject({ ...windowQuery, limit: limit(200, 20) }),
    async handler({ query }) {
      return networkRanking(haven.store.db, windowOf(query), { limit: query.limit });
    },
  });

  routes.add({
    method: 'GET', url: '/v1/analytics/networks/accounts/:accountId', tag: 'analytics', access: 'analytics:read',
    summary: 'The community an account (Haven id or platform external id) is in, as nodes and edges for a network view',
    params: z.strictObject({ accountId: z.string().min(1).max(256) }),
    query: z.strictObject(windowQuery),
    async handler({ params, query }) {
      const window = windowOf(query);
      const accountId = await resolveAccountId(haven.store.db, params.accountId);
      if (!accountId) throw new HttpError(404, 'not_found', `no account ${params.accountId}`);
      const view = await networkView(haven.store.db, window, { accountId });
      if (!view) throw new HttpError(404, 'not_found', `account ${params.accountId} is in no network in this window`);
      return view;
    },
  });

  routes.add({
    method: 'GET', url: '/v1/analytics/networks/:communityId', tag: 'analytics', access: 'analytics:read',
    summary: 'One community (id as listed by GET /v1/analytics/networks over the same window) as nodes and edges for a network view',
    params: z.strictObject({
      communityId: z.string().regex(/^c_[A-Za-z0-9_-]{1,128}$/, 'communityId looks like c_<account id>, as listed by GET /v1/analytics/networks'),
    }),
    query: z.strictObject(windowQuery),
    async handler({ params, query }) {
      const view = await networkView(haven.store.db, windowOf(query), { communityId: params.communityId });
      if (!view) throw new HttpError(404, 'not_found', `no community ${params.communityId} in this window`);
      return view;
    },
  });

  routes.add({
    method: 'GET', url: '/v1/analytics/repeat-offenders', tag: 'analytics', access: 'analytics:read',
    summary: 'Accounts with at least `min` violating decisions in the window, with the decision and item ids',
    query: z.strictObject({
      ...windowQuery,
      min: z.coerce.number().int().min(2).max(1000).default(3).describe('violating decisions needed (2..1000)'),
      limit: limit(1000, 100),
    }),
    async handler({ query }) {
      return repeatOffenderReport(haven.store.db, windowOf(query), { min: query.min, limit: query.limit });
    },
  });

  routes.add({
    method: 'GET', url: '/v1/analytics/ban-evasion', tag: 'analytics', access: 'analytics:read',
    summary: 'Likely ban evasion: accounts created after a linked account (shared device, banked or matched media, or two or ' +
      'more minor-band targets) was disabled, with the disable action and the shared keys',
    query: z.strictObject({ ...windowQuery, limit: limit(1000, 100) }),
    async handler({ query }) {
      return banEvasionReport(haven.store.db, windowOf(query), { limit: query.limit });
    },
  });
}
