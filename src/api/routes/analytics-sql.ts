import { z } from 'zod';
import type { Haven } from '../../app.js';
import { principalLabel } from '../../auth/service.js';
import { ANALYTICS_VIEWS } from '../../analytics/sql/catalog.js';
import { auditedSql } from '../../analytics/sql/console.js';
import { toCsv, toParquet } from '../../analytics/sql/export.js';
import { AnalyticsSqlError, SQL_LIMITS } from '../../store/repos/analytics-sql.js';
import { HttpError } from '../errors.js';
import type { RouteTable } from '../route.js';

const STATUS: Record<AnalyticsSqlError['kind'], [number, string]> = {
  database: [400, 'sql_error'],
  refused: [403, 'table_not_available'],
  timeout: [408, 'query_timeout'],
  unavailable: [503, 'sql_console_unavailable'],
};

export function analyticsSqlRoutes(routes: RouteTable, haven: Haven): void {
  routes.add({
    method: 'POST', url: '/v1/analytics/sql', tag: 'analytics', access: 'analytics:sql',
    summary: 'Run one read-only SQL statement over the analytics views (audited). The database connection refuses writes. ?format=csv|parquet downloads the result',
    query: z.strictObject({ format: z.enum(['json', 'csv', 'parquet'], { error: 'format must be json, csv or parquet' }).default('json') }),
    body: z.strictObject({
      sql: z.string().trim().min(1, 'sql must not be empty').max(100_000),
      limit: z.number().int().min(1).max(SQL_LIMITS.maxRows, `limit is at most ${SQL_LIMITS.maxRows} rows`).optional(),
      timeoutMs: z.number().int().min(1).max(SQL_LIMITS.maxTimeoutMs, `timeoutMs is at most ${SQL_LIMITS.maxTimeoutMs}`).optional(),
    }),
    async handler({ body, query, principal, reply }) {
      const actor = principal ? principalLabel(principal) : 'unknown';
      let r: Awaited<ReturnType<typeof auditedSql>>;
      try {
        r = await auditedSql(haven, actor, body.sql, { limit: body.limit, timeoutMs: body.timeoutMs });
      } catch (e) {
        if (!(e instanceof AnalyticsSqlError)) throw e;
        const [status, code] = STATUS[e.kind];
        throw new HttpError(status, code, e.message);
      }
      reply.header('x-haven-truncated', String(r.truncated));
      if (query.format === 'csv') {
        reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="query.csv"');
        return reply.send(toCsv(r));
      }
      if (query.format === 'parquet') {
        reply.header('content-type', 'application/vnd.apache.parquet').header('content-disposition', 'attachment; filename="query.parquet"');
        return reply.send(Buffer.from(toParquet(r)));
      }
      return { columns: r.columns, rows: r.rows, truncated: r.truncated, ms: r.ms };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/analytics/views', tag: 'analytics', access: 'analytics:sql',
    summary: 'The documented analytics views and their columns',
    async handler() {
      return { views: ANALYTICS_VIEWS, limits: SQL_LIMITS };
    },
  });
}
