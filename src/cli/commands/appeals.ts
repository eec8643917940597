import type { Command } from 'commander';
import { z } from 'zod';
import { AppealService } from '../../enforcement/appeals/service.js';
import type { PrecisionRow } from '../../enforcement/appeals/precision.js';
import { withHaven } from '../context.js';

const CLI_ACTOR = `cli:${process.env.USER ?? 'operator'}`;
const outcomeSchema = z.enum(['upheld', 'overturned']);

export function appealCommands(program: Command): void {
  const appeals = program.command('appeals').description('appeals against decisions, their resolution, and enforcement precision');

  appeals
    .command('list')
    .description('appeals, newest first')
    .option('--open', 'only open appeals')
    .option('--limit <n>', 'at most this many', '50')
    .action(async (o: { open?: boolean; limit: string }) => {
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new Error(`--limit must be a positive whole number, not "${o.limit}"`);
      await withHaven(async (haven) => {
        const rows = await new AppealService(haven.store, haven.clock).list({ ...(o.open ? { status: 'open' as const } : {}), limit });
        for (const a of rows) {
          process.stdout.write(`${a.id}  ${a.status.padEnd(10)}  item ${a.itemId}  decision ${a.decisionId}  filed ${new Date(a.filedAt).toISOString()}  ${JSON.stringify(a.reason)}\n`);
        }
        if (rows.length === 0) process.stdout.write(o.open ? 'no open appeals\n' : 'no appeals\n');
      });
    });

  appeals
    .command('resolve <id>')
    .description('uphold or overturn an open appeal (audited); overturning queues reversals of the delivered actions')
    .requiredOption('--outcome <outcome>', 'upheld or overturned')
    .requiredOption('--reason <text>', 'why')
    .action(async (id: string, o: { outcome: string; reason: string }) => {
      const outcome = outcomeSchema.safeParse(o.outcome);
      if (!outcome.success) throw new Error(`--outcome must be upheld or overturned, not "${o.outcome}"`);
      if (o.reason.trim() === '') throw new Error('--reason must not be empty');
      await withHaven(async (haven) => {
        const r = await new AppealService(haven.store, haven.clock).resolve(id, { outcome: outcome.data, reason: o.reason.trim() }, CLI_ACTOR);
        process.stdout.write(`appeal ${r.appeal.id} ${r.appeal.status}\n`);
        for (const c of r.cancelled) process.stdout.write(`  cancelled ${c.type} ${c.id} (not delivered yet)\n`);
        for (const v of r.reversals) process.stdout.write(`  queued ${v.type} ${v.id} (${v.idempotencyKey})\n`);
      });
    });

  appeals
    .command('precision')
    .description('precision per policy version and per detector: 1 - overturned / actioned')
    .option('--json', 'print the report as JSON')
    .action(async (o: { json?: boolean }) => {
      await withHaven(async (haven) => {
        const r = await new AppealService(haven.store, haven.clock).precision();
        if (o.json) {
          process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
          return;
        }
        const line = (label: string, x: PrecisionRow) =>
          `${label.padEnd(28)} ${String(x.actioned).padStart(8)} ${String(x.appealed).padStart(8)} ${String(x.overturned).padStart(10)} ${x.precision === null ? '       -' : x.precision.toFixed(4).padStart(9)}\n`;
        const head = `${''.padEnd(28)} ${'actioned'.padStart(8)} ${'appealed'.padStart(8)} ${'overturned'.padStart(10)} ${'precision'.padStart(9)}\n`;
        process.stdout.write(head + line('all decisions', r.total));
        for (const p of r.byPolicyVersion) process.stdout.write(line(`policy v${p.policyVersion}`, p));
        for (const d of r.byDetector) process.stdout.write(line(`detector ${d.detector}`, d));
        process.stdout.write(`\n${r.definition}\n`);
      });
    });
}
