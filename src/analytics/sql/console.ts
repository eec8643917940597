import type { Haven } from '../../app.js';
import { appendAudit } from '../../store/repos/audit.js';
import { runAnalyticsSql, type SqlResult, type SqlTarget } from '../../store/repos/analytics-sql.js';

/** Where the console connects: the same database Haven uses, through its own read-only connection. */
export function sqlTarget(haven: Haven): SqlTarget {
  return haven.config.databaseUrl ? { dialect: 'postgres', url: haven.config.databaseUrl } : { dialect: 'sqlite', path: haven.config.sqlitePath };
}

/** Runs an analyst's statement and audits it with its text, whether it succeeded or not. */
export async function auditedSql(haven: Haven, actor: string, sql: string, opts: { limit?: number; timeoutMs?: number }): Promise<SqlResult> {
  const audit = (details: Record<string, unknown>) =>
    haven.store.db.transaction().execute((trx) =>
      appendAudit(trx, { actor, action: 'analytics.sql', targetType: 'analytics', targetId: null, details: { sql, ...details } }, haven.clock.now()),
    );
  try {
    const r = await runAnalyticsSql(sqlTarget(haven), sql, opts);
    await audit({ rows: r.rows.length, truncated: r.truncated, ms: r.ms });
    return r;
  } catch (e) {
    await audit({ error: e instanceof Error ? e.message : String(e) });
    throw e;
  }
}
