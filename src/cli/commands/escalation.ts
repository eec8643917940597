import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { escalationIntakeSchema, escalationListSchema } from '../../investigations/escalations.js';
import { formatDuration } from '../../investigations/postmortem.js';
import { rootCauseLabel } from '../../investigations/root-causes.js';
import { type EscalationDetail, EscalationError, EscalationService } from '../../investigations/service.js';
import { existingAccountIds, existingItemIds } from '../../store/repos/escalation-related.js';
import { withHaven } from '../context.js';

const CLI_ACTOR = `cli:${process.env.USER ?? 'operator'}`;
const t = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

/** Escalation refusals name what to fix; they leave as plain errors for main to print. */
async function plainErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof EscalationError) throw new Error(e.message);
    throw e;
  }
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function escalationCommands(program: Command): void {
  const esc = program.command('escalation').description('escalations: intake, status, root causes, remediation and the postmortem');

  esc
    .command('list')
    .description('escalations by priority and SLA due time')
    .option('--status <status>', 'new, investigating, mitigated or resolved')
    .option('--priority <p>', 'P0, P1, P2 or P3')
    .option('--owner <owner>', 'only this owner\'s')
    .option('--overdue', 'only those past their SLA')
    .option('--json', 'print JSON')
    .action(async (o: { status?: string; priority?: string; owner?: string; overdue?: boolean; json?: boolean }) => {
      const query = escalationListSchema.safeParse({ status: o.status, priority: o.priority, owner: o.owner, ...(o.overdue ? { overdue: 'true' } : {}) });
      if (!query.success) throw new Error(query.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('; '));
      await withHaven(async (haven) => {
        const rows = await new EscalationService(haven.store, haven.clock).list(query.data);
        if (o.json) {
          process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        for (const e of rows) {
          const due = e.sla.overdue ? 'OVERDUE' : e.sla.met === null ? `due ${t(e.slaDueAt)}` : e.sla.met ? 'SLA met' : 'SLA missed';
          process.stdout.write(`${e.id}  ${e.priority}  ${e.status.padEnd(13)} ${due.padEnd(28)} ${(e.owner ?? 'unassigned').padEnd(24)} ${e.title}\n`);
        }
        if (rows.length === 0) process.stdout.write('no escalations\n');
      });
    });

  esc
    .command('show <id>')
    .description('one escalation: entities, timeline, root causes, remediation')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      await withHaven(async (haven) => {
        const d = await plainErrors(() => new EscalationService(haven.store, haven.clock).get(id));
        process.stdout.write(o.json ? `${JSON.stringify(d, null, 2)}\n` : renderDetail(d, haven.clock.now()));
      });
    });

  esc
    .command('export <id>')
    .description('the postmortem (summary, timeline, root causes, fixes, follow-ups, loop times)')
    .option('--format <format>', 'md (Markdown)', 'md')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (id: string, o: { format: string; out?: string }) => {
      if (o.format !== 'md') throw new Error(`--format must be md, not "${o.format}"`);
      await withHaven(async (haven) => {
        const md = await plainErrors(() => new EscalationService(haven.store, haven.clock).postmortem(id));
        if (o.out) {
          writeFileSync(o.out, md);
          process.stderr.write(`wrote the postmortem of escalation ${id} to ${o.out}\n`);
        } else process.stdout.write(md);
      });
    });

  esc
    .command('open')
    .description('open an escalation (items by Haven id or platform external id)')
    .requiredOption('--title <text>', 'what happened, in a line')
    .requiredOption('--priority <p>', 'P0 (4h), P1 (24h), P2 (3 days) or P3 (7 days) to mitigation')
    .requiredOption('--source <source>', 'law_enforcement, ncmec, press, executive, user_reports, internal or other')
    .option('--summary <text>', 'what is known so far', '')
    .option('--owner <owner>', 'who owns it')
    .option('--item <id>', 'an item involved (repeatable)', collect, [])
    .option('--account <id>', 'an account involved, Haven id or external id (repeatable)', collect, [])
    .action(async (o: { title: string; priority: string; source: string; summary: string; owner?: string; item: string[]; account: string[] }) => {
      await withHaven(async (haven) => {
        const known = await existingItemIds(haven.store.db, o.item);
        const byId = await existingAccountIds(haven.store.db, o.account);
        const parsed = escalationIntakeSchema.safeParse({
          title: o.title, summary: o.summary, source: o.source, priority: o.priority, ...(o.owner ? { owner: o.owner } : {}),
          entities: {
            items: o.item.map((i) => (known.has(i) ? { id: i } : { externalId: i })),
            accounts: o.account.map((a) => (byId.has(a) ? { id: a } : { externalId: a })),
          },
        });
        if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('; '));
        const d = await plainErrors(() => new EscalationService(haven.store, haven.clock).open(parsed.data, CLI_ACTOR));
        process.stdout.write(`opened escalation ${d.escalation.id} (${d.escalation.priority}, SLA due ${t(d.escalation.slaDueAt)}) with ${d.entities.length} entities\n`);
      });
    });
}

function renderDetail(d: EscalationDetail, now: number): string {
  const e = d.escalation;
  const out = [
    `escalation ${e.id}: ${e.title}`,
    `  ${e.priority} from ${e.source}, ${e.status}${e.outcome ? ` (${e.outcome}${d.category ? ` ${d.category}` : ''})` : ''}, owner ${e.owner ?? 'unassigned'}`,
    `  opened ${t(e.createdAt)} by ${e.createdBy}; SLA due ${t(e.slaDueAt)}${e.sla.overdue ? ` OVERDUE by ${formatDuration(now - e.slaDueAt)}` : ''}`,
    '', 'entities:',
    ...(d.entities.length ? d.entities.map((x) => `  ${x.entityType.padEnd(12)} ${x.entityId}  (${x.relation})`) : ['  none']),
    '', 'timeline:',
    ...d.notes.map((n) => `  ${t(n.at)}  ${n.kind.padEnd(6)} ${n.author}: ${n.text.replace(/\s+/g, ' ')}`),
    '', 'root causes:',
    ...(d.rootCauses.length ? d.rootCauses.map((c) => `  ${c.id}  ${c.status.padEnd(9)} ${rootCauseLabel(c.cause)} (${c.evidence.length} evidence)`) : ['  none']),
    '', 'remediation:',
    ...(d.remediation.length
      ? d.remediation.map((r) => `  ${r.id}  ${r.status.padEnd(11)} ${r.team.padEnd(16)} ${r.title}${r.dueAt ? ` due ${t(r.dueAt)}` : ''}${r.overdue ? ' OVERDUE' : ''}`)
      : ['  none']),
  ];
  if (d.proposals.length) out.push('', 'proposals:', ...d.proposals.map((p) => `  ${p.id}  ${p.status.padEnd(10)} ${p.kind}: ${p.title}`));
  return `${out.join('\n')}\n`;
}
