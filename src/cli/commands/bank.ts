import { statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { Haven } from '../../app.js';
import { type BankFileFormat, formatBankFile, formatFromPath, readBankFile } from '../../banks/files.js';
import { bankItem } from '../../banks/from-item.js';
import { BankImportRefused } from '../../banks/service.js';
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

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

/**
 * One pass over the file inside one transaction (see BankService.importEntries): a refused, failed or interrupted
 * import says so and leaves nothing behind.
 */
async function importFile(haven: Haven, name: string, file: string, format: BankFileFormat, size: number, o: ImportOptions): Promise<void> {
  const started = performance.now();
  const rate = (rows: number) => Math.round(rows / Math.max((performance.now() - started) / 1000, 0.001));
  const bar = o.progress && process.stderr.isTTY
    ? new SingleBar({
        format: 'import [{bar}] {percentage}% | {rows} rows | {rate} rows/s | ETA {eta_formatted}', stream: process.stderr, etaBuffer: 50,
      }, Presets.shades_classic)
    : null;
  bar?.start(Math.max(size, 1), 0, { rows: 0, rate: 0 });
  let read = 0;
  const interrupted = new AbortController();
  const onSigint = () => interrupted.abort();
  process.once('SIGINT', onSigint);

  let outcome: Awaited<ReturnType<typeof haven.banks.importEntries>>;
  try {
    outcome = await haven.banks.importEntries(
      { name, description: '', source: o.source ?? 'import', matchMode: o.mode as MatchMode },
      readBankFile(file, format, { hashType: o.type, category: o.category, source: o.source }),
      {
        actor: CLI_ACTOR, skipInvalid: o.skipInvalid === true, origin: basename(file), signal: interrupted.signal,
        onProgress: (p) => {
          read = p.rows;
          bar?.update(p.bytesRead, { rows: p.rows, rate: rate(p.rows) });
        },
      },
    );
  } catch (e) {
    bar?.stop();
    if (e instanceof BankImportRefused) {
      const listed = e.rejected.slice(0, 50).map((r) => `line ${r.line}: ${r.problem}`);
      if (e.rejected.length > 50) listed.push(`... and ${e.rejected.length - 50} more`);
      throw new Error(`${e.rejected.length} bad line(s), nothing imported (--skip-invalid imports the valid rows):\n${listed.join('\n')}`);
    }
    const why = interrupted.signal.aborted ? 'interrupted' : `failed: ${e instanceof Error ? e.message : String(e)}`;
    throw new Error(`import ${why} after ${read} rows; nothing was imported (an import is all or nothing)`);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  bar?.stop();

  const { bank: b, rejected, added, alreadyPresent, rows } = outcome;
  const secs = (performance.now() - started) / 1000;
  if (rejected.length > 0) {
    const report = `${file}.rejected.txt`;
    writeFileSync(report, rejected.map((r) => `line ${r.line}: ${r.problem}\n`).join(''));
    process.stderr.write(`${rejected.length} row(s) rejected, listed with their line numbers in ${report}\n`);
  }
  process.stdout.write(`bank ${b.name}: ${added} added, ${alreadyPresent} already present${rejected.length ? `, ${rejected.length} rejected` : ''}\n`);
  process.stderr.write(`${rows} rows in ${secs.toFixed(1)} s (${rate(rows)} rows/s)\n`);
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
      const size = fileSize(file);
      await withHaven((haven) => importFile(haven, name, file, format, size, o));
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
