import type { Command } from 'commander';
import { PERMISSIONS } from '../../core/roles.js';
import { overridesOf, type Actor, ProposalService, resolveChange, watchProposal } from '../../learning/proposals/index.js';
import type { BacktestReport } from '../../learning/replay/report.js';
import { whatIf } from '../../learning/replay/runs.js';
import type { SetupOverrides } from '../../learning/replay/setup.js';
import { PROPOSAL_STATUSES, type ProposalStatus } from '../../store/repos/proposals.js';
import { withHaven } from '../context.js';

// The CLI runs with the database's own authority (every permission), under the operator's name: the second-person
// rule still holds, since approving needs a name other than the proposer's.
const CLI_ACTOR: Actor = { label: `cli:${process.env.USER ?? 'operator'}`, permissions: new Set(PERMISSIONS) };
const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());
const out = (s: string) => process.stdout.write(`${s}\n`);

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive whole number, not "${value}"`);
  return n;
}

function printReport(r: BacktestReport): void {
  out(`replayed ${r.items} items in ${r.timings.seconds.toFixed(2)} s (${Math.round(r.timings.itemsPerSecond)} items/s); overrides: ${r.configuration.overridden.join(', ') || 'none'}`);
  out(`verdicts before ${JSON.stringify(r.verdicts.before)} after ${JSON.stringify(r.verdicts.after)}`);
  out(`actions delta ${JSON.stringify(r.actions.delta)} (${r.actions.itemsWithMoreActions} items gain actions, ${r.actions.itemsWithFewerActions} lose some)`);
  const p = r.precision.newActions;
  out(`flips ${r.flips.total} (verdict ${r.flips.verdict}, category ${r.flips.category}); new actions ${p.items}, labelled ${p.labelled}, ` +
    `estimated precision ${p.estimate === null ? '-' : p.estimate.toFixed(3)} (labels: ${JSON.stringify(p.bySource)})`);
  for (const f of r.flips.listed.slice(0, 20)) {
    out(`  ${f.itemId}  ${f.before?.verdict ?? '-'}/${f.before?.category ?? '-'} -> ${f.after.verdict}/${f.after.category ?? '-'}${f.label ? `  label ${f.label.violating ? f.label.category ?? 'violating' : 'benign'} (${f.label.source})` : ''}`);
  }
  for (const n of r.configuration.notes) out(`note: ${n}`);
}

export function proposalCommands(program: Command): void {
  const proposal = program.command('proposal').description('proposals for a change: backtest, approve (a second person), deploy, watch');

  proposal.command('list').description('proposals, newest first').option('--status <status>', PROPOSAL_STATUSES.join('|')).option('--limit <n>', 'at most this many', '50')
    .action(async (o: { status?: string; limit: string }) => {
      if (o.status && !(PROPOSAL_STATUSES as readonly string[]).includes(o.status)) throw new Error(`--status is one of ${PROPOSAL_STATUSES.join(', ')}`);
      await withHaven(async (haven) => {
        const rows = await new ProposalService(haven).list({ status: o.status as ProposalStatus | undefined, limit: positiveInt(o.limit, '--limit') });
        for (const p of rows) out(`${p.id}  ${p.status.padEnd(10)}  ${p.kind.padEnd(16)}  ${p.escalationId ?? '-'}  ${JSON.stringify(p.title)}`);
        if (rows.length === 0) out('no proposals');
      });
    });

  proposal.command('show <id>').description('a proposal, its backtests and its watch').option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      await withHaven(async (haven) => {
        const service = new ProposalService(haven);
        const p = await service.get(id);
        const backtests = await service.backtests(id);
        const watch = await watchProposal(haven.store.db, id);
        if (o.json) return out(JSON.stringify({ proposal: p, backtests, watch }, null, 2));
        out(`${p.id}  ${p.kind}  ${p.status}  ${JSON.stringify(p.title)}`);
        out(`proposed by ${p.proposedBy} at ${iso(p.createdAt)}; escalation ${p.escalationId ?? '-'}; root cause ${p.rootCause ?? '-'}`);
        if (p.decidedBy) out(`decided by ${p.decidedBy} at ${iso(p.decidedAt)}: ${p.decisionNote ?? ''}`);
        if (p.deployedBy) out(`deployed by ${p.deployedBy} at ${iso(p.deployedAt)}: ${JSON.stringify(p.deployment)}`);
        out(`change: ${JSON.stringify(p.change)}`);
        for (const b of backtests) out(`backtest ${b.id} at ${iso(b.createdAt)}: ${b.items} items`);
        if (watch.status === 'watching') out(`watch: ${watch.caught.items} caught, ${watch.recurrences.items} recurrences since deploy (${watch.definition})`);
      });
    });

  proposal.command('backtest <id>').description('replay the last N days through the proposed change (no effects)')
    .option('--days <n>', 'days of history', '30').option('--limit <n>', 'at most this many items (the latest)').option('--json', 'print the report as JSON')
    .action(async (id: string, o: { days: string; limit?: string; json?: boolean }) => {
      const days = positiveInt(o.days, '--days');
      const limit = o.limit === undefined ? undefined : positiveInt(o.limit, '--limit');
      await withHaven(async (haven) => {
        const r = await new ProposalService(haven).backtest(id, { days, limit }, CLI_ACTOR);
        if (o.json) return out(JSON.stringify(r.report, null, 2));
        out(`backtest ${r.backtest.id} of proposal ${id} (now ${r.proposal.status})`);
        printReport(r.report);
      });
    });

  for (const verb of ['approve', 'reject'] as const) {
    proposal.command(`${verb} <id>`).description(`${verb} a proposal (audited; approval by a second person)`).requiredOption('--note <text>', 'why')
      .action(async (id: string, o: { note: string }) => {
        if (o.note.trim() === '') throw new Error('--note must not be empty');
        await withHaven(async (haven) => {
          const s = new ProposalService(haven);
          const p = verb === 'approve' ? await s.approve(id, o.note.trim(), CLI_ACTOR) : await s.reject(id, o.note.trim(), CLI_ACTOR);
          out(`proposal ${p.id} ${p.status} by ${p.decidedBy}`);
        });
      });
  }

  proposal.command('deploy <id>').description('deploy an approved proposal')
    .option('--retroact-days <n>', 'bank_hashes only: also apply the new entries to the last N days of items, with effects')
    .action(async (id: string, o: { retroactDays?: string }) => {
      const retroact = o.retroactDays === undefined ? undefined : { days: positiveInt(o.retroactDays, '--retroact-days'), limit: 200 };
      await withHaven(async (haven) => {
        const r = await new ProposalService(haven).deploy(id, CLI_ACTOR, { retroact });
        out(`proposal ${r.proposal.id} deployed: ${JSON.stringify(r.proposal.deployment)}`);
        if (r.retroaction) out(`retroaction: ${r.retroaction.changed.length} items got a new decision (${r.retroaction.scanned} scanned)`);
      });
    });
}

export function whatIfCommand(program: Command): void {
  program.command('what-if <items...>').description("run items through today's configuration (or a proposal's) and show what would differ; no effects")
    .option('--proposal <id>', 'compare with this proposal applied').option('--json', 'print JSON')
    .action(async (items: string[], o: { proposal?: string; json?: boolean }) => {
      await withHaven(async (haven) => {
        const q = haven.store.db;
        let overrides: SetupOverrides | undefined;
        if (o.proposal) {
          const p = await new ProposalService(haven).get(o.proposal);
          overrides = overridesOf(await resolveChange(q, p.kind, p.change));
        }
        const r = await whatIf({ q, now: haven.clock.now(), llm: haven.llm, promptFormat: haven.config.llmPromptFormat }, { itemIds: items, overrides, proposalId: o.proposal ?? null, runBy: CLI_ACTOR.label });
        if (o.json) return out(JSON.stringify(r, null, 2));
        if (r.items.length < items.length) out(`not found: ${items.filter((id) => !r.items.some((i) => i.itemId === id)).join(', ')}`);
        for (const i of r.items) {
          const fmt = (x: { verdict: string; category: string | null; actions: string[] } | null) => (x ? `${x.verdict}/${x.category ?? '-'} [${x.actions.join(',')}]` : '-');
          out(`${i.itemId}  recorded ${fmt(i.recorded)}  today ${fmt(i.today)}${i.proposed ? `  proposed ${fmt(i.proposed)}` : ''}${i.differs ? '  DIFFERS' : ''}`);
          for (const s of i.signals.proposed ?? i.signals.today) out(`    ${s.detector} ${s.category} ${s.score.toFixed(2)}${s.informational ? ' (informational)' : ''}: ${s.summary}`);
        }
      });
    });
}
