import { stringify } from 'csv-stringify/sync';
import { parquetWriteBuffer } from 'hyparquet-writer';

/** A query result as the SQL console returns it: named columns and rows of plain values. */
export interface Table {
  columns: string[];
  rows: unknown[][];
}

const text = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));

export function toCsv(t: Table): string {
  return stringify([t.columns, ...t.rows.map((r) => r.map((v) => text(v) ?? ''))]);
}

/** Parquet with one typed column per result column: numbers as DOUBLE (epoch ms fit exactly), booleans, else text. */
export function toParquet(t: Table): Uint8Array {
  const columnData = t.columns.map((name, i) => {
    const values = t.rows.map((r) => r[i] ?? null);
    const present = values.filter((v) => v !== null);
    if (present.length > 0 && present.every((v) => typeof v === 'number')) return { name, data: values as (number | null)[], type: 'DOUBLE' as const };
    if (present.length > 0 && present.every((v) => typeof v === 'boolean')) return { name, data: values as (boolean | null)[], type: 'BOOLEAN' as const };
    return { name, data: values.map(text), type: 'STRING' as const };
  });
  return new Uint8Array(parquetWriteBuffer({ columnData }));
}

/** An aligned plain-text table for a terminal; long cells are cut so one wide column does not wreck the layout. */
export function toTextTable(t: Table, maxCell = 60): string {
  const cells = t.rows.map((r) => r.map((v) => {
    const s = (text(v) ?? 'NULL').replace(/\s+/g, ' ');
    return s.length > maxCell ? `${s.slice(0, maxCell - 1)}…` : s;
  }));
  const widths = t.columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((s, i) => s.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(t.columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
