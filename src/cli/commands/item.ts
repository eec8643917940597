import type { Command } from 'commander';
import { presentItemView } from '../../api/present.js';
import { itemView, type ItemView } from '../../pipeline/item-view.js';
import { findItemIdsByExternalId } from '../../store/repos/items.js';
import { withHaven } from '../context.js';

export function itemCommand(program: Command): void {
  program
    .command('item')
    .argument('<id>', 'Haven item id or the platform external id')
    .description('show an item: its decision and why, its actions, and its full event trace')
    .option('--json', 'print JSON (as GET /v1/items/:id)')
    .action(async (id: string, o: { json?: boolean }) => {
      await withHaven(async (haven) => {
        let view = await itemView(haven.store, id);
        if (!view) {
          const [newest, ...older] = await findItemIdsByExternalId(haven.store.db, id);
          if (newest) view = await itemView(haven.store, newest);
          if (older.length > 0) process.stderr.write(`${older.length} older version(s) of ${id}: ${older.join(', ')}\n`);
        }
        if (!view) throw new Error(`no item with id or external id ${id}`);
        process.stdout.write(o.json ? `${JSON.stringify(presentItemView(view), null, 2)}\n` : renderTrace(view));
      });
    });
}

const t = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

export function renderTrace(v: ItemView): string {
  const out: string[] = [];
  const i = v.item;
  out.push(`item ${i.id}  (external ${i.externalId})`);
  out.push(`  ${i.kind} on ${i.surface}, created ${t(i.createdAt)}, status ${i.status}`);
  if (v.author) out.push(`  author ${v.author.externalId} (age band ${v.author.ageBand})`);
  if (v.recipients.length) out.push(`  recipients ${v.recipients.map((r) => `${r.externalId} (${r.ageBand})`).join(', ')}`);
  for (const m of i.media) out.push(`  media[${m.index}] ${m.mime} ${m.width ?? '?'}x${m.height ?? '?'} sha256 ${m.sha256}`);
  out.push('');
  const d = v.decision;
  if (!d) out.push('decision: none yet');
  else {
    out.push(`decision: ${d.verdict}${d.category ? ` ${d.category}` : ''} severity ${d.severity} (policy v${d.policyVersion}, taxonomy v${d.taxonomyVersion})`);
    for (const r of d.reasons) out.push(`  because ${r.text}`);
  }
  out.push('', 'signals:');
  if (v.signals.length === 0) out.push('  none');
  for (const s of v.signals) {
    out.push(`  ${s.detector}@${s.detectorVersion} ${s.category} score ${s.score}: ${s.evidence.summary}`);
    if (s.evidence.bankEntryId) out.push(`    bank entry ${s.evidence.bankEntryId} in bank ${String(s.evidence.bankName ?? s.evidence.bankId)}`);
  }
  out.push('', 'actions:');
  if (v.actions.length === 0) out.push('  none');
  for (const a of v.actions) {
    out.push(`  ${a.type.padEnd(8)} ${a.status.padEnd(17)} ${a.delivery.padEnd(8)} key ${a.idempotencyKey}${a.deliveredAt ? ` delivered ${t(a.deliveredAt)}` : ''}${a.lastError ? ` last error: ${a.lastError}` : ''}`);
  }
  out.push('', 'trace:');
  for (const e of v.events) {
    const versions = Object.entries(e.versions).map(([k, val]) => `${k}=${val}`).join(' ');
    out.push(`  ${t(e.at)}  ${e.type.padEnd(17)} by ${e.actor}${versions ? `  [${versions}]` : ''}`);
  }
  return `${out.join('\n')}\n`;
}
