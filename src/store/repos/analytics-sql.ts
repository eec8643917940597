import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import pg from 'pg';
import { ANALYST_ROLE } from '../migrations/014-analytics.js';
import { SQLITE_CHILD_SOURCE } from './analytics-sql-child.js';

export const SQL_LIMITS = { defaultRows: 10_000, maxRows: 100_000, defaultTimeoutMs: 10_000, maxTimeoutMs: 300_000 } as const;

/**
 * The tables behind the analytics views. On SQLite (no grants) these and the views are what the console can read;
 * on Postgres the analyst role is granted the views only.
 */
export const SQLITE_READABLE_TABLES = [
  'items', 'accounts', 'media', 'signals', 'decisions', 'actions', 'review_tasks', 'review_decisions',
  'escalations', 'escalation_entities', 'root_causes', 'remediation_items',
] as const;

export type SqlTarget = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string };

export interface SqlResult {
  columns: string[];
  rows: unknown[][];
  truncated: boolean;
  ms: number;
}

/**
 * database: the database refused or failed the statement (its own message); refused: the console will not read
 * that table; timeout: stopped at the time limit; unavailable: the console cannot run here.
 */
export type SqlErrorKind = 'database' | 'refused' | 'timeout' | 'unavailable';

export class AnalyticsSqlError extends Error {
  constructor(readonly kind: SqlErrorKind, message: string, readonly code: string | null = null) {
    super(message);
  }
}

/** Runs one statement read-only, enforced by the database connection, with a row and a time limit. */
export async function runAnalyticsSql(target: SqlTarget, query: string, opts: { limit?: number; timeoutMs?: number } = {}): Promise<SqlResult> {
  const limit = Math.min(opts.limit ?? SQL_LIMITS.defaultRows, SQL_LIMITS.maxRows);
  const timeoutMs = Math.min(opts.timeoutMs ?? SQL_LIMITS.defaultTimeoutMs, SQL_LIMITS.maxTimeoutMs);
  const started = performance.now();
  const r = target.dialect === 'sqlite' ? await runSqlite(target.path, query, limit, timeoutMs) : await runPostgres(target.url, query, limit, timeoutMs);
  return { ...r, ms: Math.round(performance.now() - started) };
}

type Partial = Omit<SqlResult, 'ms'>;
type ChildReply = ({ ok: true } & Partial) | { ok: false; kind: SqlErrorKind; message: string; code?: string | null };

function runSqlite(path: string, query: string, limit: number, timeoutMs: number): Promise<Partial> {
  if (path === ':memory:') return Promise.reject(new AnalyticsSqlError('unavailable', 'the SQL console needs a database file, not an in-memory database'));
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const job = JSON.stringify({ driver, path, sql: query, limit, tables: SQLITE_READABLE_TABLES });
  return new Promise((resolve, reject) => {
    // A clean environment: no loader hooks (NODE_OPTIONS) and no test-runner context leak into the child.
    const env = { PATH: process.env.PATH ?? '' };
    const child = spawn(process.execPath, ['-e', SQLITE_CHILD_SOURCE, job], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced', env });
    let stderr = '';
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    // SIGKILL really stops SQLite mid-step; the read-only process holds no write lock, so nothing is left behind.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle(() => reject(new AnalyticsSqlError('timeout', `the query was stopped at the time limit (${timeoutMs} ms)`)));
    }, timeoutMs);
    child.stderr?.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    child.on('message', (m: ChildReply) =>
      settle(() => (m.ok ? resolve({ columns: m.columns, rows: m.rows, truncated: m.truncated }) : reject(new AnalyticsSqlError(m.kind, m.message, m.code ?? null)))),
    );
    child.on('error', (e) => settle(() => reject(e)));
    child.on('exit', (code, signal) =>
      settle(() => reject(new Error(`the SQL console process ended without an answer (${signal ?? code}): ${stderr.trim().slice(0, 500)}`))),
    );
  });
}

/**
 * Postgres: a READ ONLY transaction with a statement_timeout, the statement run inside the analyst role's
 * security-definer functions (see migration 014), so the database refuses writes and reads outside the views, and a
 * statement cannot switch back to the connecting user.
 */
async function runPostgres(url: string, query: string, limit: number, timeoutMs: number): Promise<Partial> {
  // A dedicated connection, closed afterwards: nothing the statement does to the session outlives it.
  const client = new pg.Client({ connectionString: url, application_name: 'haven-sql-console' });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
    const usable = await client.query<{ ok: boolean }>(
      `SELECT CASE WHEN to_regprocedure('haven_analytics_rows(text,integer)') IS NULL THEN false
        ELSE has_function_privilege('haven_analytics_rows(text,integer)', 'EXECUTE') END AS ok`,
    );
    if (!usable.rows[0]?.ok) {
      throw new AnalyticsSqlError('unavailable', `the SQL console needs the Postgres role ${ANALYST_ROLE} and its console functions (see the README: SQL for analysts)`);
    }
    await client.query('SAVEPOINT console');
    try {
      const r = await client.query<{ r: [string, unknown][] | { columns: string[] | null } | null }>('SELECT haven_analytics_rows($1, $2) AS r', [query, limit]);
      const header = r.rows[0]?.r;
      if (header && !Array.isArray(header)) return { columns: header.columns ?? [], rows: [], truncated: false };
      const rows = r.rows.map((x) => (Array.isArray(x.r) ? x.r : []));
      return { columns: (rows[0] ?? []).map(([name]) => name), rows: rows.slice(0, limit).map((row) => row.map(([, v]) => cell(v))), truncated: rows.length > limit };
    } catch (e) {
      // 42P11: the statement returns no rows (INSERT, DROP, SET ...): run it as such, still as the analyst role.
      if ((e as { code?: string }).code !== '42P11') throw e;
      await client.query('ROLLBACK TO SAVEPOINT console');
      await client.query('SELECT haven_analytics_exec($1)', [query]);
      return { columns: [], rows: [], truncated: false };
    }
  } catch (e) {
    if (e instanceof AnalyticsSqlError) throw e;
    const code = (e as { code?: string }).code ?? null;
    if (code === '57014') throw new AnalyticsSqlError('timeout', `the query was stopped at the time limit (${timeoutMs} ms)`, code);
    throw new AnalyticsSqlError('database', e instanceof Error ? e.message : String(e), code);
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    await client.end().catch(() => {});
  }
}

function cell(v: unknown): unknown {
  if (v instanceof Uint8Array) return `\\x${Buffer.from(v).toString('hex')}`;
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString();
  return v;
}
