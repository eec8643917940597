import { appendFileSync, createReadStream, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { itemInputSchema } from '../../core/item-input.js';
import { MediaError, type PreparedItem } from '../../pipeline/ingest.js';
import { withHaven } from '../context.js';

interface Checkpoint {
  size: number;
  mtimeMs: number;
  line: number;
}

export function ingestCommand(program: Command): void {
  program
    .command('ingest')
    .argument('<file>', 'JSON Lines: one item per line, as for POST /v1/items')
    .description('ingest items from a JSONL file; resumable: a rerun continues after the last committed batch')
    .option('--batch <n>', 'items per transaction', '500')
    .option('--restart', 'ignore the checkpoint and start from the first line (ingest stays idempotent)')
    .option('--no-progress', 'no progress bar')
    .action(async (file: string, o: { batch: string; restart?: boolean; progress: boolean }) => {
      const batchSize = Math.max(1, Math.min(5000, Number(o.batch) || 500));
      if (!existsSync(file)) throw new Error(`no such file: ${file}`);
      const stat = statSync(file);
      const checkpointPath = `${file}.haven-checkpoint`;
      const rejectedPath = `${file}.rejected.jsonl`;
      let startLine = 0;
      if (!o.restart && existsSync(checkpointPath)) {
        const cp = JSON.parse(readFileSync(checkpointPath, 'utf8')) as Checkpoint;
        if (cp.size === stat.size && cp.mtimeMs === stat.mtimeMs) startLine = cp.line;
        else process.stderr.write('the file changed since the checkpoint: starting from the top (already ingested items are recognised)\n');
      }
      // A run from the first line reports every bad line afresh; a resumed run adds to the report it continues.
      if (startLine === 0) rmSync(rejectedPath, { force: true });
      const totalLines = await countLines(file);
      await withHaven(async (haven) => {
        const bar = o.progress && process.stderr.isTTY
          ? new SingleBar({ format: 'ingest [{bar}] {value}/{total} lines | {rate} items/s | {rejected} rejected', stream: process.stderr }, Presets.shades_classic)
          : null;
        bar?.start(totalLines, startLine, { rate: 0, rejected: 0 });
        const started = performance.now();
        let lineNo = 0;
        let accepted = 0;
        let duplicates = 0;
        let rejected = 0;
        let pending: PreparedItem[] = [];

        const flush = async () => {
          if (pending.length > 0) {
            const results = await haven.ingestor.ingest(pending, 'cli:ingest');
            for (const r of results) (r.duplicate ? duplicates++ : accepted++);
            pending = [];
          }
          writeFileSync(checkpointPath, JSON.stringify({ size: stat.size, mtimeMs: stat.mtimeMs, line: lineNo } satisfies Checkpoint));
          const secs = (performance.now() - started) / 1000;
          bar?.update(lineNo, { rate: Math.round((accepted + duplicates) / Math.max(secs, 0.001)), rejected });
        };

        const reject = (line: string, error: string) => {
          rejected++;
          appendFileSync(rejectedPath, `${JSON.stringify({ line: lineNo, error, input: line.slice(0, 10_000) })}\n`);
        };

        for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
          lineNo++;
          if (lineNo <= startLine || line.trim() === '') continue;
          let raw: unknown;
          try {
            raw = JSON.parse(line);
          } catch (e) {
            reject(line, `not valid JSON: ${(e as Error).message}`);
            continue;
          }
          const parsed = itemInputSchema.safeParse(raw);
          if (!parsed.success) {
            reject(line, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
            continue;
          }
          try {
            pending.push(await haven.ingestor.prepare(parsed.data));
          } catch (e) {
            if (!(e instanceof MediaError)) throw e;
            reject(line, e.message);
            continue;
          }
          if (pending.length >= batchSize) await flush();
        }
        await flush();
        bar?.stop();
        const secs = (performance.now() - started) / 1000;
        const rate = Math.round((accepted + duplicates) / Math.max(secs, 0.001));
        process.stdout.write(
          `ingested ${accepted} new, ${duplicates} already known, ${rejected} rejected in ${secs.toFixed(1)} s (${rate} items/s)` +
            `${rejected > 0 ? `; rejected lines and reasons in ${rejectedPath}` : ''}\n`,
        );
      });
    });
}

async function countLines(file: string): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(file)) for (const b of chunk as Buffer) if (b === 10) n++;
  return n;
}
