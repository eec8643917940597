import { writeFileSync } from 'node:fs';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { type BankFileFormat, formatBankFile, formatFromPath, readBankFile } from '../../banks/files.js';
import { bankItem } from '../../banks/from-item.js';
import type { BankEntryInput } from '../../banks/service.js';
import { getBankByName, listBankEntries, MATCH_MODES, type MatchMode } from '../../store/repos/banks.js';
import { withHaven } from '../context.js';

const CLI_ACTOR = `cli:${process.env.USER ?? 'operator'}`;
const FORMATS = ['csv', 'tsv', 'jsonl', 'plain'];

interface ImportOptions {
  type?: string;
  category: string;
  source?: string;
  format?: string;
  mode: string;
  skipInvalid?: boolean;
  progress: boolean;
}

export function bankCommands(program: Command): void {
  const bank = program.command('bank').description('hash banks: import, export, and bank a missed item');

  bank
    .command('import')
    .argument('<bank>', 'bank name (created if missing)')
    .argument('<file>', 'CSV/TSV with a header (hash_type,hash,category,classification,label,source,provenance), JSONL, or one hash per line')
    .option('--type <type>', 'hash type when the file has none: md5, sha256, pdq (32-digit hashes are taken as md5)')
    .option('--category <id>', 'taxonomy category when the file has none', 'CSE-01')
    .option('--source <source>', 'where the list comes from (e.g. ncmec, internal)')
    .option('--format <format>', `${FORMATS.join(', ')} (default: from the file name; no known extension means plain)`)
    .option('--mode <mode>', `for a new bank, what a match does: ${MATCH_MODES.join(', ')}`, 'enforce')
    .option('--skip-invalid', 'import the valid rows and list the rejected ones (default: one bad row stops the import)')
    .option('--no-progress', 'no progress bar')
    .action(async (name: string, file: string, o: ImportOptions) => {
      const format = (o.format ?? formatFromPath(file)) as BankFileFormat;
      if (!FORMATS.includes(format)) throw new Error(`--format must be one of ${FORMATS.join(', ')}`);
      if (!(MATCH_MODES as readonly string[]).includes(o.mode)) throw new Error(`--mode must be one of ${MATCH_MODES.join(', ')}`);
      const defaults = { hashType: o.type, category: o.category, source: o.source };
      const started = performance.now();

      // Check every row before writing any, so a bad file imports nothing unless asked to skip bad rows.
      const rejected: { line: number; problem: string }[] = [];
      let rows = 0;
      for await (const row of readBankFile(file, format, defaults)) {
        rows++;
        if ('problem' in row) rejected.push(row);
      }
      if (rejected.length > 0 && !o.skipInvalid) {
        const listed = rejected.slice(0, 50).map((r) => `line ${r.line}: ${r.problem}`);
        if (rejected.length > 50) listed.push(`... and ${rejected.length - 50} more`);
        throw new Error(`${rejected.length} bad line(s), nothing imported (--skip-invalid imports the valid rows):\n${listed.join('\n')}`);
      }

      await withHaven(async (haven) => {
        const b = (await getBankByName(haven.store.db, name)) ??
          (await haven.banks.create({ name, description: '', source: o.source ?? 'import', matchMode: o.mode as MatchMode }, CLI_ACTOR));
        const bar = o.progress && process.stderr.isTTY
          ? new SingleBar({ format: 'import [{bar}] {value}/{total} rows | {rate} rows/s', stream: process.stderr }, Presets.shades_classic)
          : null;
        bar?.start(rows, 0, { rate: 0 });
        let added = 0;
        let valid = 0;
        let batch: BankEntryInput[] = [];
        const flush = async () => {
          added += (await haven.banks.addEntries(b.id, batch, CLI_ACTOR)).length;
          valid += batch.length;
          batch = [];
          bar?.update(valid + rejected.length, { rate: Math.round(valid / ((performance.now() - started) / 1000)) });
        };
        for await (const row of readBankFile(file, format, defaults)) {
          if ('entry' in row) batch.push(row.entry);
          if (batch.length >= 20_000) await flush();
        }
        await flush();
        bar?.stop();
        const secs = (performance.now() - started) / 1000;
        if (rejected.length > 0) {
          const report = `${file}.rejected.txt`;
          writeFileSync(report, rejected.map((r) => `line ${r.line}: ${r.problem}\n`).join(''));
          process.stderr.write(`${rejected.length} row(s) rejected, listed with their line numbers in ${report}\n`);
        }
        process.stdout.write(`bank ${b.name}: ${added} added, ${valid - added} already present${rejected.length ? `, ${rejected.length} rejected` : ''}\n`);
        process.stderr.write(`${valid + rejected.length} rows in ${secs.toFixed(1)} s (${Math.round((valid + rejected.length) / Math.max(secs, 0.001))} rows/s)\n`);
      });
    });

  bank
    .command('export')
    .argument('<name>', 'bank name')
    .option('--out <file>', 'write here instead of standard output')
    .option('--format <format>', FORMATS.join(', '), 'csv')
    .action(async (name: string, o: { out?: string; format: string }) => {
      if (!FORMATS.includes(o.format)) throw new Error(`--format must be one of ${FORMATS.join(', ')}`);
      await withHaven(async (haven) => {
        const b = await getBankByName(haven.store.db, name);
        if (!b) throw new Error(`no bank named ${name}`);
        let text = '';
        let after: string | undefined;
        let videos = 0;
        for (;;) {
          const page = await listBankEntries(haven.store.db, b.id, { limit: 5000, after });
          if (o.format !== 'jsonl') videos += page.filter((e) => e.hashType === 'vpdq').length;
          if (page.length === 0 && after !== undefined) break;
          text += formatBankFile(page, o.format as BankFileFormat, after === undefined);
          if (page.length === 0) break;
          after = page.at(-1)?.id;
        }
        if (o.out) writeFileSync(o.out, text);
        else process.stdout.write(text);
        if (videos > 0) process.stderr.write(`${videos} vPDQ entries left out: only --format jsonl carries their frames\n`);
      });
    });

  bank
    .command('add-from-item')
    .argument('<item>', 'Haven item id or external id')
    .requiredOption('--bank <name>', 'bank to add to (created if missing)')
    .option('--category <id>', 'taxonomy category of the entries', 'CSE-01')
    .option('--classification <class>', 'industry class: A1, A2, B1, B2')
    .option('--label <label>', 'a note on why it is banked')
    .description("bank an item's media (PDQ, vPDQ, MD5, SHA-256) so its copies are caught from now on")
    .action(async (itemRef: string, o: { bank: string; category: string; classification?: string; label?: string }) => {
      await withHaven(async (haven) => {
        const added = await bankItem(haven, itemRef, o, CLI_ACTOR);
        process.stdout.write(`bank ${o.bank}: ${added.added} entries added from item ${added.itemId} (${added.hashes.join(', ')})\n`);
      });
    });
}
