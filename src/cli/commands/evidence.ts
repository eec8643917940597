import type { Command } from 'commander';
import { type HoldView, listItemHolds, placeLegalHold, releaseLegalHold, runRetention } from '../../enforcement/evidence/index.js';
import { withHaven } from '../context.js';

const CLI_ACTOR = `cli:${process.env.USER ?? 'operator'}`;
const t = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

function holdLine(h: HoldView): string {
  const on = h.itemId ? `item ${h.itemId}` : `account ${h.accountId}`;
  const state = h.releasedAt !== null ? `lifted ${t(h.releasedAt)} by ${h.releasedBy}: ${h.releaseReason}`
    : h.inForce ? (h.expiresAt === null ? 'in force until lifted' : `in force until ${t(h.expiresAt)}`)
    : `expired ${t(h.expiresAt)}`;
  return `${h.id}  ${h.kind.padEnd(12)} ${on}  ${state}\n    placed ${t(h.createdAt)} by ${h.createdBy}: ${h.reason}`;
}

export function evidenceCommands(program: Command): void {
  const evidence = program.command('evidence').description('the evidence vault: preservation and legal holds, media retention');

  evidence
    .command('holds')
    .argument('<item>', 'Haven item id')
    .description("list the holds on an item (and on its author's account)")
    .option('--json', 'print JSON')
    .action(async (item: string, o: { json?: boolean }) => {
      await withHaven(async (haven) => {
        const holds = await listItemHolds(haven.store.db, item, haven.clock.now());
        if (o.json) process.stdout.write(`${JSON.stringify(holds, null, 2)}\n`);
        else process.stdout.write(holds.length === 0 ? `no holds on ${item}\n` : `${holds.map(holdLine).join('\n')}\n`);
      });
    });

  evidence
    .command('hold')
    .argument('<target>', 'Haven item id (or, with --account, an account id or external id)')
    .description('place a legal hold: kept until lifted with `haven evidence release`')
    .requiredOption('--reason <text>', 'why (recorded in the audit log)')
    .option('--account', 'hold every item the account authored')
    .action(async (target: string, o: { reason: string; account?: boolean }) => {
      await withHaven(async (haven) => {
        const hold = await placeLegalHold(haven.store.db, {
          target: o.account ? { accountId: target } : { itemId: target }, reason: o.reason, actor: CLI_ACTOR, now: haven.clock.now(),
        });
        process.stdout.write(`placed legal hold ${hold.id} on ${hold.itemId ? `item ${hold.itemId}` : `account ${hold.accountId}`}\n`);
      });
    });

  evidence
    .command('release')
    .argument('<hold>', 'hold id')
    .description('lift a legal hold')
    .requiredOption('--reason <text>', 'why (recorded in the audit log)')
    .action(async (holdId: string, o: { reason: string }) => {
      await withHaven(async (haven) => {
        const hold = await releaseLegalHold(haven.store.db, { holdId, reason: o.reason, actor: CLI_ACTOR, now: haven.clock.now() });
        process.stdout.write(`lifted legal hold ${hold.id}\n`);
      });
    });

  evidence
    .command('retention')
    .description('delete media and evidence snapshots past HAVEN_MEDIA_RETENTION_DAYS that no hold in force covers')
    .option('--dry-run', 'only count what would be deleted')
    .action(async (o: { dryRun?: boolean }) => {
      await withHaven(async (haven) => {
        const r = await runRetention(haven.store.db, {
          now: haven.clock.now(), retentionDays: haven.config.mediaRetentionDays, dryRun: o.dryRun === true, actor: CLI_ACTOR,
        });
        const verb = r.dryRun ? 'would delete' : 'deleted';
        process.stdout.write(
          `${verb} ${r.blobsDeleted} media file(s) and ${r.snapshotsPurged} evidence snapshot(s) older than ${t(r.cutoff)} (${haven.config.mediaRetentionDays} days) under no hold\n`,
        );
      });
    });
}
