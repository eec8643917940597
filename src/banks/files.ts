import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import { bankEntryInputSchema, type BankEntryInput } from './service.js';

/** The columns Haven writes; on import, any of them may be left out and columns may come in any order. */
export const BANK_CSV_COLUMNS = ['hash_type', 'hash', 'category', 'classification', 'label', 'source', 'provenance'] as const;
const COLUMN_ALIASES: Record<string, (typeof BANK_CSV_COLUMNS)[number]> = {
  hash_type: 'hash_type', type: 'hash_type', signal_type: 'hash_type', hash: 'hash', signal: 'hash', category: 'category',
  classification: 'classification', class: 'classification', label: 'label', labels: 'label', source: 'source',
  provenance: 'provenance',
};

export type BankFileFormat = 'csv' | 'tsv' | 'jsonl' | 'plain';

export interface ImportDefaults {
  /** For files without a hash type column: md5 is inferred from 32 hex digits; 64 digits need this (pdq or sha256). */
  hashType?: string | undefined;
  category: string;
  source?: string | undefined;
}

export type ParsedRow = { line: number; entry: BankEntryInput } | { line: number; problem: string };

export function formatFromPath(path: string): BankFileFormat {
  if (/\.jsonl?$/i.test(path)) return 'jsonl';
  if (/\.tsv$/i.test(path)) return 'tsv';
  if (/\.csv$/i.test(path)) return 'csv';
  return 'plain';
}

export interface ParsedBatch {
  rows: ParsedRow[];
  /** Bytes of the file read so far, to show progress against its size. */
  bytesRead: number;
}

const BATCH_ROWS = 5000;

/**
 * Reads a hash list as a stream, validated rows in batches: CSV/TSV with a header naming its columns, JSON Lines,
 * or the plain one-hash-per-line files industry lists come in. Each row is an entry or a problem with its line
 * number; the caller decides whether one bad row stops the import. Batches, not single rows, because a million
 * awaits per million-row file cost more than the parsing.
 */
export async function* readBankFile(path: string, format: BankFileFormat, defaults: ImportDefaults): AsyncGenerator<ParsedBatch> {
  const check = (raw: Record<string, unknown>, line: number): ParsedRow => {
    const hash = typeof raw.hash === 'string' ? raw.hash.trim().toLowerCase() : raw.hash;
    const hashType = raw.hashType || defaults.hashType || (typeof hash === 'string' && /^[0-9a-f]{32}$/.test(hash) ? 'md5' : undefined);
    if (!hashType) return { line, problem: 'a 64-digit hash may be pdq or sha256: name the type (--type, or a hash_type column)' };
    const r = bankEntryInputSchema.safeParse({
      ...raw, hash, hashType, category: raw.category || defaults.category,
      ...(raw.source || defaults.source ? { source: raw.source || defaults.source } : {}),
    });
    return r.success ? { line, entry: r.data } : { line, problem: r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ') };
  };
  const file = createReadStream(path);
  let rows: ParsedRow[] = [];
  const take = (): ParsedBatch => {
    const batch = { rows, bytesRead: file.bytesRead };
    rows = [];
    return batch;
  };

  // Closed however the reader ends, also when the caller stops early.
  try {
    if (format === 'jsonl' || format === 'plain') {
      let line = 0;
      for await (const text of createInterface({ input: file, crlfDelay: Infinity })) {
        line++;
        const t = text.trim();
        if (t === '' || t.startsWith('#')) continue;
        if (format === 'plain') {
          rows.push(check({ hash: t }, line));
        } else {
          try {
            rows.push(check(JSON.parse(t) as Record<string, unknown>, line));
          } catch (e) {
            rows.push({ line, problem: `not JSON (${(e as Error).message})` });
          }
        }
        if (rows.length >= BATCH_ROWS) yield take();
      }
      yield take();
      return;
    }

    const parser = file.pipe(
      parse({ delimiter: format === 'tsv' ? '\t' : ',', relax_column_count: true, skip_empty_lines: true, info: true, bom: true, trim: true }),
    );
    // pipe() does not pass a read error on; without this the parser would wait for more input forever.
    let readError: Error | null = null;
    file.on('error', (e) => {
      readError = e;
      parser.destroy(e);
    });
    let columns: ((typeof BANK_CSV_COLUMNS)[number] | null)[] | null = null;
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        if (!columns) {
          const named = record.map((c) => COLUMN_ALIASES[c.trim().toLowerCase()] ?? null);
          // A header names its columns; a file without one is read in Haven's own column order.
          columns = named.includes('hash') ? named : [...BANK_CSV_COLUMNS];
          if (named.includes('hash')) continue;
        }
        const raw: Record<string, unknown> = {};
        record.forEach((value, i) => {
          const col = columns?.[i];
          if (!col || value === '') return;
          raw[col === 'hash_type' ? 'hashType' : col] = value;
        });
        rows.push(check(raw, info.lines));
        if (rows.length >= BATCH_ROWS) yield take();
      }
    } catch (e) {
      if (readError) throw readError;
      rows.push({ line: 0, problem: `not valid ${format.toUpperCase()}: ${(e as Error).message}` });
    }
    yield take();
  } finally {
    file.destroy();
  }
}

export interface ExportedEntry {
  hashType: string;
  hash: string;
  category: string;
  classification: string | null;
  label: string | null;
  source?: string | null;
  provenance?: string | null;
  data?: unknown;
}

/**
 * Writes entries in a file format. Only JSON Lines carries a vPDQ entry's frames, so the flat formats leave
 * vPDQ entries out (the caller says how many) rather than write rows that cannot be imported again.
 */
export function formatBankFile(all: readonly ExportedEntry[], format: BankFileFormat, withHeader: boolean): string {
  const entries = format === 'jsonl' ? all : all.filter((e) => e.hashType !== 'vpdq');
  if (format === 'plain') return entries.map((e) => `${e.hash}\n`).join('');
  if (format === 'jsonl') {
    return entries
      .map((e) => {
        const frames = (e.data as { frames?: unknown } | null | undefined)?.frames;
        return `${JSON.stringify({
          hashType: e.hashType, hash: e.hash, category: e.category, classification: e.classification, label: e.label,
          ...(e.source ? { source: e.source } : {}), ...(e.provenance ? { provenance: e.provenance } : {}), ...(frames ? { frames } : {}),
        })}\n`;
      })
      .join('');
  }
  return stringify(
    entries.map((e) => [e.hashType, e.hash, e.category, e.classification ?? '', e.label ?? '', e.source ?? '', e.provenance ?? '']),
    { delimiter: format === 'tsv' ? '\t' : ',', ...(withHeader ? { header: true, columns: [...BANK_CSV_COLUMNS] } : {}) },
  );
}
