import { z } from 'zod';
import type { Haven } from '../../app.js';
import { OpsWindowError, opsWindow } from '../../review/ops/window.js';
import { currentOpsTargets, loadOpsMetrics } from '../../store/repos/ops-metrics.js';
import { HttpError } from '../errors.js';
import type { RouteTable } from '../route.js';

/** The operations dashboard's figures; the web UI renders this JSON and `haven ops report` prints it. */
export function opsMetricsRoutes(routes: RouteTable, haven: Haven): void {
  routes.add({
    method: 'GET', url: '/v1/ops/metrics', tag: 'review', access: 'ops:read',
    summary: 'Operations dashboard: queue depth and age, SLA compliance, time to action, throughput, automation rate and precision, ' +
      'reviewer accuracy, reports filed and time to report, each against its target (breaches marked), with a daily/weekly trend',
    query: z.strictObject({
      since: z.string().max(16).default('7d').describe('window length: hours or days, e.g. 24h, 7d, 30d (at most 90d)'),
      until: z.string().max(40).optional().describe('end of the window, ISO 8601 (default: now)'),
    }),
    async handler({ query }) {
      let window: { from: number; to: number };
      try {
        window = opsWindow({ since: query.since, until: query.until, now: haven.clock.now() });
      } catch (e) {
        if (e instanceof OpsWindowError) throw new HttpError(400, 'invalid_request', `query.${e.message}`);
        throw e;
      }
      return loadOpsMetrics(haven.store.db, window, await currentOpsTargets(haven.store.db));
    },
  });
}
