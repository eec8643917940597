import type { Selectable } from 'kysely';
import { fromJson, type Queryable, toJson } from '../db.js';
import type { BacktestsTable, ProposalsTable } from '../schema.js';

// Proposals for a change (from an escalation or not), their backtests, approval, deployment; and the escalation
// facts the feedback loop's figures need.

export const PROPOSAL_KINDS = ['bank_hashes', 'rule_change', 'threshold_change', 'eval_examples', 'prompt_change'] as const;
export type ProposalKind = (typeof PROPOSAL_KINDS)[number];
export const PROPOSAL_STATUSES = ['draft', 'backtested', 'approved', 'rejected', 'deployed'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

export interface Proposal {
  id: string;
  escalationId: string | null;
  kind: ProposalKind;
  title: string;
  status: ProposalStatus;
  change: unknown;
  rootCause: string | null;
  proposedBy: string;
  decidedBy: string | null;
  decidedAt: number | null;
  decisionNote: string | null;
  deployedBy: string | null;
  deployedAt: number | null;
  deployment: Record<string, unknown> | null;
  createdAt: number;
  updatedAt: number;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function toProposal(r: Selectable<ProposalsTable>): Proposal {
  return {
    id: r.id, escalationId: r.escalation_id, kind: r.kind as ProposalKind, title: r.title, status: r.status as ProposalStatus,
    change: fromJson(r.change), rootCause: r.root_cause, proposedBy: r.proposed_by, decidedBy: r.decided_by,
    decidedAt: num(r.decided_at), decisionNote: r.decision_note, deployedBy: r.deployed_by, deployedAt: num(r.deployed_at),
    deployment: r.deployment === null ? null : fromJson(r.deployment), createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
  };
}

export async function insertProposal(q: Queryable, p: Proposal): Promise<void> {
  await q.insertInto('proposals').values({
    id: p.id, escalation_id: p.escalationId, kind: p.kind, title: p.title, status: p.status, change: toJson(p.change),
    root_cause: p.rootCause, proposed_by: p.proposedBy, decided_by: null, decided_at: null, decision_note: null,
    deployed_by: null, deployed_at: null, deployment: null, created_at: p.createdAt, updated_at: p.updatedAt,
  }).execute();
}

export async function getProposal(q: Queryable, id: string): Promise<Proposal | null> {
  const r = await q.selectFrom('proposals').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? toProposal(r) : null;
}

export async function listProposals(
  q: Queryable, opts: { status?: ProposalStatus | undefined; escalationId?: string | undefined; limit: number; before?: string | undefined },
): Promise<Proposal[]> {
  let query = q.selectFrom('proposals').selectAll().orderBy('id', 'desc').limit(opts.limit);
  if (opts.status) query = query.where('status', '=', opts.status);
  if (opts.escalationId) query = query.where('escalation_id', '=', opts.escalationId);
  if (opts.before) query = query.where('id', '<', opts.before);
  return (await query.execute()).map(toProposal);
}

/** Moves a proposal from one of `from` to `to`; false when it was not in one of those states (a concurrent change). */
export async function transitionProposal(
  q: Queryable, id: string, from: readonly ProposalStatus[], to: ProposalStatus,
  set: { decidedBy?: string; decidedAt?: number; decisionNote?: string; deployedBy?: string; deployedAt?: number; deployment?: unknown },
  now: number,
): Promise<boolean> {
  const r = await q.updateTable('proposals')
    .set({
      status: to, updated_at: now,
      ...(set.decidedBy !== undefined ? { decided_by: set.decidedBy } : {}),
      ...(set.decidedAt !== undefined ? { decided_at: set.decidedAt } : {}),
      ...(set.decisionNote !== undefined ? { decision_note: set.decisionNote } : {}),
      ...(set.deployedBy !== undefined ? { deployed_by: set.deployedBy } : {}),
      ...(set.deployedAt !== undefined ? { deployed_at: set.deployedAt } : {}),
      ...(set.deployment !== undefined ? { deployment: toJson(set.deployment) } : {}),
    })
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function deployedProposals(q: Queryable, opts: { since?: number; escalationIds?: readonly string[] } = {}): Promise<Proposal[]> {
  let query = q.selectFrom('proposals').selectAll().where('status', '=', 'deployed').orderBy('deployed_at');
  if (opts.since !== undefined) query = query.where('deployed_at', '>=', opts.since);
  if (opts.escalationIds) {
    if (opts.escalationIds.length === 0) return [];
    query = query.where('escalation_id', 'in', [...opts.escalationIds]);
  }
  return (await query.execute()).map(toProposal);
}

export interface BacktestRecord {
  id: string;
  proposalId: string | null;
  environment: string;
  windowFrom: number | null;
  windowTo: number | null;
  items: number;
  report: Record<string, unknown>;
  runBy: string;
  createdAt: number;
}

export function toBacktest(r: Selectable<BacktestsTable>): BacktestRecord {
  return {
    id: r.id, proposalId: r.proposal_id, environment: r.environment, windowFrom: num(r.window_from), windowTo: num(r.window_to),
    items: Number(r.items), report: fromJson(r.report), runBy: r.run_by, createdAt: Number(r.created_at),
  };
}

export async function insertBacktest(q: Queryable, b: BacktestRecord): Promise<void> {
  await q.insertInto('backtests').values({
    id: b.id, proposal_id: b.proposalId, environment: b.environment, window_from: b.windowFrom, window_to: b.windowTo,
    items: b.items, report: toJson(b.report), run_by: b.runBy, created_at: b.createdAt,
  }).execute();
}

export async function backtestsOfProposal(q: Queryable, proposalId: string): Promise<BacktestRecord[]> {
  return (await q.selectFrom('backtests').selectAll().where('proposal_id', '=', proposalId).orderBy('id', 'desc').execute()).map(toBacktest);
}

/** The escalation's opening time and its item ids (named at intake or pulled in as related). */
export async function escalationFacts(q: Queryable, escalationId: string): Promise<{ createdAt: number; itemIds: string[] } | null> {
  const e = await q.selectFrom('escalations').select(['created_at']).where('id', '=', escalationId).executeTakeFirst();
  if (!e) return null;
  const rows = await q.selectFrom('escalation_entities').select('entity_id')
    .where('escalation_id', '=', escalationId).where('entity_type', '=', 'item').orderBy('added_at').execute();
  return { createdAt: Number(e.created_at), itemIds: rows.map((r) => r.entity_id) };
}

/** Escalations opened in a window, with when they opened. */
export async function escalationsOpenedBetween(q: Queryable, from: number, to: number): Promise<{ id: string; createdAt: number }[]> {
  const rows = await q.selectFrom('escalations').select(['id', 'created_at'])
    .where('created_at', '>=', from).where('created_at', '<', to).orderBy('created_at').execute();
  return rows.map((r) => ({ id: r.id, createdAt: Number(r.created_at) }));
}
