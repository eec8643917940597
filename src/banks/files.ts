import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { bankEntryInputSchema, type BankEntryInput } from './service.js';

export const BANK_CSV_COLUMNS = ['hash_type', 'hash', 'category', 'classification', 'label'] as const;

export interface ExportedEntry {
  hashType: string;
  hash: string;
  category: string;
  classification: string | null;
  label: string | null;
}

/**
 * Reads a hash list: CSV (RFC 4180, header `hash_type,hash,category,classification,label`) or JSON Lines.
 * Every line is validated; the caller refuses the whole file if any line has a problem, so nothing half-imports.
 */
export function parseBankFile(text: string, format: 'csv' | 'jsonl'): { entries: BankEntryInput[]; problems: string[] } {
  const entries: BankEntryInput[] = [];
  const problems: string[] = [];
  const check = (raw: unknown, line: number) => {
    const r = bankEntryInputSchema.safeParse(raw);
    if (r.success) entries.push(r.data);
    else problems.push(`line ${line}: ${r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
  };

  if (format === 'jsonl') {
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        check(JSON.parse(line), i + 1);
      } catch (e) {
        problems.push(`line ${i + 1}: not JSON (${(e as Error).message})`);
      }
    });
    return { entries, problems };
  }

  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true, info: true, bom: true }) as unknown as typeof records;
  } catch (e) {
    return { entries, problems: [`not valid CSV: ${(e as Error).message}`] };
  }
  for (const [i, { record, info }] of records.entries()) {
    if (i === 0 && record[0]?.trim().toLowerCase() === 'hash_type') continue;
    const [hashType, hash, category, classification, label] = record.map((f) => f.trim());
    check(
      {
        hashType, hash, category,
        ...(classification ? { classification } : {}),
        ...(label ? { label } : {}),
      },
      info.lines,
    );
    if (record.length > BANK_CSV_COLUMNS.length) problems.push(`line ${info.lines}: ${record.length} columns, expected at most ${BANK_CSV_COLUMNS.length}`);
  }
  return { entries, problems };
}

export function formatBankFile(entries: readonly ExportedEntry[], format: 'csv' | 'jsonl', withHeader: boolean): string {
  if (format === 'jsonl') {
    return entries
      .map((e) => `${JSON.stringify({ hashType: e.hashType, hash: e.hash, category: e.category, classification: e.classification, label: e.label })}\n`)
      .join('');
  }
  return stringify(
    entries.map((e) => [e.hashType, e.hash, e.category, e.classification ?? '', e.label ?? '']),
    withHeader ? { header: true, columns: [...BANK_CSV_COLUMNS] } : {},
  );
}
