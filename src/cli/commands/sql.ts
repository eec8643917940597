import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { auditedSql } from '../../analytics/sql/console.js';
import { toCsv, toParquet, toTextTable } from '../../analytics/sql/export.js';
import { SQL_LIMITS } from '../../store/repos/analytics-sql.js';
import { withHaven } from '../context.js';

const CLI_ACTOR = `cli:${process.env.USER ?? 'operator'}`;
const FORMATS = ['table', 'csv', 'json', 'parquet'] as const;

/** "10s", "500ms", "2m" or a bare number of seconds, in milliseconds. */
export function parseDuration(s: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(s.trim());
  if (!m) return null;
  const ms = Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000);
  return ms >= 1 && ms <= SQL_LIMITS.maxTimeoutMs ? Math.round(ms) : null;
}

export function sqlCommand(program: Command): void {
  program
    .command('sql <statement>')
    .description('run one read-only SQL statement over the analytics views (the database refuses writes; audited)')
    .option('--format <format>', `table, csv, json or parquet (parquet needs --out)`, 'table')
    .option('--out <file>', 'write the result here instead of standard output')
    .option('--limit <n>', `at most this many rows (max ${SQL_LIMITS.maxRows})`, String(SQL_LIMITS.defaultRows))
    .option('--timeout <duration>', 'stop the query after this long (e.g. 10s, 500ms)', '10s')
    .action(async (statement: string, o: { format: string; out?: string; limit: string; timeout: string }) => {
      const format = FORMATS.find((f) => f === o.format);
      if (!format) throw new Error(`--format must be one of ${FORMATS.join(', ')}, not "${o.format}"`);
      if (format === 'parquet' && !o.out) throw new Error('--format parquet writes a binary file: give --out FILE');
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > SQL_LIMITS.maxRows) throw new Error(`--limit must be a whole number from 1 to ${SQL_LIMITS.maxRows}, not "${o.limit}"`);
      const timeoutMs = parseDuration(o.timeout);
      if (timeoutMs === null) throw new Error(`--timeout must be a duration like 10s or 500ms (at most ${SQL_LIMITS.maxTimeoutMs / 1000}s), not "${o.timeout}"`);
      await withHaven(async (haven) => {
        const r = await auditedSql(haven, CLI_ACTOR, statement, { limit, timeoutMs });
        const output: string | Uint8Array =
          format === 'csv' ? toCsv(r)
          : format === 'json' ? `${JSON.stringify({ columns: r.columns, rows: r.rows, truncated: r.truncated, ms: r.ms })}\n`
          : format === 'parquet' ? toParquet(r)
          : `${toTextTable(r)}\n`;
        if (o.out) writeFileSync(o.out, output);
        else process.stdout.write(output);
        const note = `${r.rows.length} row${r.rows.length === 1 ? '' : 's'} in ${r.ms} ms${r.truncated ? ` (truncated at --limit ${limit})` : ''}\n`;
        if (format === 'table' || o.out) process.stderr.write(note);
        else if (r.truncated) process.stderr.write(note);
      });
    });
}
