// Bank import files come from outside (industry hash lists, partners): whatever bytes a file holds, reading it
// yields rows that are entries or problems with a line number, never a throw; and an export reads back the same.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { type BankFileFormat, formatBankFile, readBankFile } from '../../src/banks/files.js';
import { checkProperty, junkJson, nastyString } from '../helpers/arbitraries.js';

const FORMATS: BankFileFormat[] = ['csv', 'tsv', 'jsonl', 'plain'];

async function readAll(path: string, format: BankFileFormat, hashType?: string) {
  const rows = [];
  for await (const batch of readBankFile(path, format, { category: 'CSE-01', hashType })) rows.push(...batch.rows);
  return rows;
}

test('any file content reads as entries and per-line problems, never a throw', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'haven-bankfuzz-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const lines = fc.array(fc.oneof(
    nastyString, junkJson.map((v) => JSON.stringify(v) ?? ''),
    fc.constantFrom('hash_type,hash,category', 'md5,0123456789abcdef0123456789abcdef,CSE-01', '"unterminated,quote', '\ufeffhash', 'a\tb\tc', '#comment', '0123456789abcdef0123456789abcdef'),
  ), { maxLength: 20 });
  let n = 0;
  await checkProperty('bank files', fc.asyncProperty(lines, fc.constantFrom(...FORMATS), fc.constantFrom('\n', '\r\n', '\r'), async (ls, format, eol) => {
    const path = join(dir, `f${n++}`);
    writeFileSync(path, ls.join(eol));
    const rows = await readAll(path, format);
    for (const r of rows) {
      assert.ok(Number.isInteger(r.line) && r.line >= 0);
      if ('problem' in r) assert.ok(r.problem.length > 0);
    }
  }), 200);
});

test('entries exported in any format read back as the same entries', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'haven-bankfuzz-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const entry = fc.record({
    hashType: fc.constant('md5'), hash: fc.stringMatching(/^[0-9a-f]{32}$/), category: fc.constantFrom('CSE-01', 'CSE-05'),
    classification: fc.constantFrom('A1', 'B2', null), label: fc.oneof(fc.constant(null), fc.stringMatching(/^[a-z][a-z ,"]{0,20}[a-z]$/)),
  });
  let n = 0;
  await checkProperty('bank export round trip', fc.asyncProperty(fc.uniqueArray(entry, { minLength: 1, maxLength: 10, selector: (e) => e.hash }), fc.constantFrom<BankFileFormat>('csv', 'tsv', 'jsonl'), async (entries, format) => {
    const path = join(dir, `r${n++}`);
    writeFileSync(path, formatBankFile(entries, format, true));
    const rows = await readAll(path, format);
    const read = rows.map((r) => {
      assert.ok('entry' in r, `line ${r.line}: ${'problem' in r ? r.problem : ''}`);
      return { hashType: r.entry.hashType, hash: r.entry.hash, category: r.entry.category, classification: r.entry.classification ?? null, label: r.entry.label ?? null };
    });
    assert.deepEqual(read, entries.map((e) => ({ ...e })));
  }), 60);
});
