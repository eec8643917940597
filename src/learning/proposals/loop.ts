import type { Queryable } from '../../store/db.js';
import { backtestsOfProposal, deployedProposals, escalationsOpenedBetween, listProposals, type Proposal } from '../../store/repos/proposals.js';
import type { BacktestReport } from '../replay/report.js';
import { summary } from './service.js';
import { watchProposal } from './watch.js';

export interface LoopFigures {
  window: { from: number; to: number };
  /** Escalations opened in the window. */
  escalations: number;
  /** Of them, those with at least one deployed proposal. */
  withDeployedFix: number;
  shareWithDeployedFix: number | null;
  /** From an escalation opening to its first deployed fix, over the escalations that have one. */
  timeToFirstFixMs: { count: number; p50: number | null; p90: number | null };
  /** Per root cause named by proposals deployed in the window: how many are watched and how many recurred. */
  recurrenceByRootCause: { rootCause: string; watched: number; recurred: number; rate: number }[];
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? null;
}

/** How well the feedback loop closes: time to a deployed fix, the share of escalations that get one, recurrence. */
export async function loopFigures(q: Queryable, window: { from: number; to: number }): Promise<LoopFigures> {
  const escalations = await escalationsOpenedBetween(q, window.from, window.to);
  const fixes = await deployedProposals(q, { escalationIds: escalations.map((e) => e.id) });
  const firstFix = new Map<string, number>();
  for (const p of fixes) {
    if (p.escalationId && p.deployedAt !== null && !firstFix.has(p.escalationId)) firstFix.set(p.escalationId, p.deployedAt);
  }
  const times = escalations.flatMap((e) => (firstFix.has(e.id) ? [Math.max(0, (firstFix.get(e.id) as number) - e.createdAt)] : [])).sort((a, b) => a - b);
  const byCause = new Map<string, { watched: number; recurred: number }>();
  for (const p of await deployedProposals(q, { since: window.from })) {
    if (!p.rootCause || (p.deployedAt ?? 0) >= window.to) continue;
    const w = await watchProposal(q, p.id);
    const c = byCause.get(p.rootCause) ?? { watched: 0, recurred: 0 };
    c.watched++;
    if (w.recurred) c.recurred++;
    byCause.set(p.rootCause, c);
  }
  return {
    window, escalations: escalations.length, withDeployedFix: firstFix.size,
    shareWithDeployedFix: escalations.length === 0 ? null : firstFix.size / escalations.length,
    timeToFirstFixMs: { count: times.length, p50: percentile(times, 50), p90: percentile(times, 90) },
    recurrenceByRootCause: [...byCause].map(([rootCause, c]) => ({ rootCause, ...c, rate: c.recurred / c.watched })).sort((a, b) => a.rootCause.localeCompare(b.rootCause)),
  };
}

export interface EscalationProposal extends Proposal {
  /** The latest backtest's headline, if any. */
  backtest: ({ id: string; createdAt: number } & ReturnType<typeof summary>) | null;
}

/** The proposals made from an escalation, oldest first, each with its latest backtest's headline. */
export async function proposalsForEscalation(q: Queryable, escalationId: string): Promise<EscalationProposal[]> {
  const proposals = (await listProposals(q, { escalationId, limit: 500 })).reverse();
  const out: EscalationProposal[] = [];
  for (const p of proposals) {
    const latest = (await backtestsOfProposal(q, p.id))[0];
    out.push({ ...p, backtest: latest ? { id: latest.id, createdAt: latest.createdAt, ...summary(latest.report as unknown as BacktestReport) } : null });
  }
  return out;
}
