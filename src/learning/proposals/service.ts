import { banksVersion } from '../../store/repos/banks.js';
import type { Haven } from '../../app.js';
import type { Permission } from '../../core/roles.js';
import type { Queryable } from '../../store/db.js';
import { newId } from '../../store/ids.js';
import { appendAudit } from '../../store/repos/audit.js';
import { appendEvents, type NewEvent } from '../../store/repos/events.js';
import {
  backtestsOfProposal, type BacktestRecord, getProposal, insertProposal, listProposals, type Proposal, type ProposalKind,
  type ProposalStatus, transitionProposal,
} from '../../store/repos/proposals.js';
import { addExamplesFromItems } from '../eval/index.js';
import type { BacktestReport } from '../replay/report.js';
import { retroactBankHashes, type RetroactionResult } from '../replay/retroaction.js';
import { type ReplayDeps, runBacktest } from '../replay/runs.js';
import { CHANGE_SCHEMAS, overridesOf, ProposalError, resolveChange } from './changes.js';

/** Who acts: a label for the records and what they may do. */
export interface Actor {
  label: string;
  permissions: ReadonlySet<Permission>;
}

/** The permission that approves (and deploys) each kind: banking needs bank curators, policy changes role policy. */
export const APPROVE_PERMISSION: Record<ProposalKind, Permission> = {
  bank_hashes: 'banks:write',
  rule_change: 'proposals:approve',
  threshold_change: 'proposals:approve',
  prompt_change: 'proposals:approve',
  eval_examples: 'proposals:write',
};

/** Kinds whose effect a replay can show must be backtested before approval; the others may be approved from draft. */
const NEEDS_BACKTEST: ReadonlySet<ProposalKind> = new Set(['bank_hashes', 'rule_change', 'threshold_change']);

export interface NewProposal {
  kind: ProposalKind;
  title: string;
  change: unknown;
  escalationId?: string | null | undefined;
  rootCause?: string | null | undefined;
}

/**
 * Proposals for a change: drafted (often from an escalation), backtested on recorded history, approved or rejected
 * by a second person holding the kind's permission, deployed as a new configuration version / bank entries / eval
 * examples, then watched. Every step is an event; approvals, rejections and deployments are audited.
 */
export class ProposalService {
  constructor(private readonly haven: Haven) {}

  private get q(): Queryable {
    return this.haven.store.db;
  }

  private deps(): ReplayDeps {
    return { q: this.q, now: this.haven.clock.now(), llm: this.haven.llm, promptFormat: this.haven.config.llmPromptFormat };
  }

  private async record(events: NewEvent[], audit: { actor: string; action: string; id: string; details: Record<string, unknown> } | null, now: number) {
    await this.q.transaction().execute(async (trx) => {
      if (audit) await appendAudit(trx, { actor: audit.actor, action: audit.action, targetType: 'proposal', targetId: audit.id, details: audit.details }, now);
      await appendEvents(trx, events, now);
    });
  }

  private event(type: NewEvent['type'], p: Proposal, actor: string, payload: Record<string, unknown>, versions: Record<string, string | number> = {}): NewEvent {
    return { type, itemId: null, accountId: null, actor, versions, payload: { proposalId: p.id, kind: p.kind, escalationId: p.escalationId, ...payload } };
  }

  async create(input: NewProposal, actor: Actor): Promise<Proposal> {
    const change = CHANGE_SCHEMAS[input.kind].parse(input.change);
    if (input.escalationId && !(await this.q.selectFrom('escalations').select('id').where('id', '=', input.escalationId).executeTakeFirst())) {
      throw new ProposalError(404, 'not_found', `escalation ${input.escalationId} not found`);
    }
    // Resolving now refuses a change that could never deploy (unknown bank, item or rule, an invalid policy).
    await resolveChange(this.q, input.kind, change);
    const now = this.haven.clock.now();
    const p: Proposal = {
      id: newId(), escalationId: input.escalationId ?? null, kind: input.kind, title: input.title, status: 'draft', change,
      rootCause: input.rootCause ?? null, proposedBy: actor.label, decidedBy: null, decidedAt: null, decisionNote: null,
      deployedBy: null, deployedAt: null, deployment: null, createdAt: now, updatedAt: now,
    };
    await insertProposal(this.q, p);
    await this.record([this.event('proposal_created', p, actor.label, { title: p.title, rootCause: p.rootCause })], null, now);
    return p;
  }

  async get(id: string): Promise<Proposal> {
    const p = await getProposal(this.q, id);
    if (!p) throw new ProposalError(404, 'not_found', `proposal ${id} not found`);
    return p;
  }

  list(opts: { status?: ProposalStatus | undefined; escalationId?: string | undefined; limit: number; before?: string | undefined }): Promise<Proposal[]> {
    return listProposals(this.q, opts);
  }

  backtests(id: string): Promise<BacktestRecord[]> {
    return backtestsOfProposal(this.q, id);
  }

  /**
   * Replays the last `days` days through the proposed change; a draft becomes backtested. The record, the status and
   * the event are committed together: a backtest interrupted (the process killed) leaves no trace, not even a
   * 'running' one, and is simply run again.
   */
  async backtest(id: string, opts: { days: number; limit?: number | undefined; callLlm?: boolean | undefined }, actor: Actor) {
    const p = await this.get(id);
    const resolved = await resolveChange(this.q, p.kind, p.change);
    const { record, report } = await runBacktest(this.deps(), {
      days: opts.days, limit: opts.limit, overrides: overridesOf(resolved), callLlm: opts.callLlm, proposalId: p.id, runBy: actor.label,
      withRecord: async (trx, record, r) => {
        const now = this.haven.clock.now();
        await transitionProposal(trx, p.id, ['draft'], 'backtested', {}, now);
        await appendEvents(trx, [this.event('proposal_backtested', p, actor.label, {
          backtestId: record.id, items: r.items, flips: r.flips.total, newActions: r.precision.newActions.items,
          newActionsPrecision: r.precision.newActions.estimate,
        })], now);
      },
    });
    return { proposal: await this.get(id), backtest: { id: record.id, ...summary(report) }, report };
  }

  private checkDecider(p: Proposal, actor: Actor): void {
    const needed = APPROVE_PERMISSION[p.kind];
    if (!actor.permissions.has(needed)) throw new ProposalError(403, 'forbidden', `deciding a ${p.kind} proposal needs the ${needed} permission`);
  }

  async approve(id: string, note: string, actor: Actor): Promise<Proposal> {
    const p = await this.get(id);
    this.checkDecider(p, actor);
    if (p.proposedBy === actor.label) throw new ProposalError(403, 'second_person_required', 'a proposal is approved by a second person, not by whoever proposed it');
    const from: ProposalStatus[] = NEEDS_BACKTEST.has(p.kind) ? ['backtested'] : ['draft', 'backtested'];
    if (!from.includes(p.status)) {
      throw new ProposalError(409, 'wrong_status', p.status === 'draft' ? `backtest the ${p.kind} proposal before approving it` : `the proposal is ${p.status}`);
    }
    return this.decide(p, 'approved', from, note, actor);
  }

  async reject(id: string, note: string, actor: Actor): Promise<Proposal> {
    const p = await this.get(id);
    this.checkDecider(p, actor);
    return this.decide(p, 'rejected', ['draft', 'backtested', 'approved'], note, actor);
  }

  private async decide(p: Proposal, to: 'approved' | 'rejected', from: ProposalStatus[], note: string, actor: Actor): Promise<Proposal> {
    const now = this.haven.clock.now();
    await this.q.transaction().execute(async (trx) => {
      if (!(await transitionProposal(trx, p.id, from, to, { decidedBy: actor.label, decidedAt: now, decisionNote: note }, now))) {
        throw new ProposalError(409, 'wrong_status', `the proposal is ${(await getProposal(trx, p.id))?.status ?? 'gone'}`);
      }
      await appendAudit(trx, { actor: actor.label, action: `proposal.${to === 'approved' ? 'approve' : 'reject'}`, targetType: 'proposal', targetId: p.id, details: { kind: p.kind, note, proposedBy: p.proposedBy, escalationId: p.escalationId } }, now);
      await appendEvents(trx, [this.event(to === 'approved' ? 'proposal_approved' : 'proposal_rejected', p, actor.label, { note, proposedBy: p.proposedBy })], now);
    });
    return this.get(p.id);
  }

  /**
   * Deploys an approved proposal: a new configuration version, bank entries or eval examples. With `retroact` a
   * bank_hashes deploy also applies the new entries to the last `retroact.days` days of items (bounded, audited).
   */
  async deploy(id: string, actor: Actor, opts: { retroact?: { days: number; limit: number } | undefined } = {}): Promise<{ proposal: Proposal; retroaction: RetroactionResult | null }> {
    const p = await this.get(id);
    const needed = APPROVE_PERMISSION[p.kind];
    if (!actor.permissions.has(needed) && !actor.permissions.has('proposals:write')) {
      throw new ProposalError(403, 'forbidden', `deploying a ${p.kind} proposal needs the ${needed} or proposals:write permission`);
    }
    if (p.status !== 'approved') throw new ProposalError(409, 'wrong_status', `only an approved proposal deploys; this one is ${p.status}`);
    if (opts.retroact && p.kind !== 'bank_hashes') throw new ProposalError(400, 'invalid_request', 'retroaction is available for bank_hashes proposals only');
    const r = await resolveChange(this.q, p.kind, p.change);
    const reason = `proposal ${p.id}: ${p.title}`;
    let deployment: Record<string, unknown>;
    let versions: Record<string, string | number> = {};
    switch (r.kind) {
      case 'bank_hashes': {
        const added = await this.haven.banks.addEntries(r.bankId, r.entries.map((e) => ({
          hashType: e.hashType, hash: e.hash, category: e.category, label: e.label ?? null, source: 'proposal',
          provenance: r.provenance.get(`${e.hashType}:${e.hash}`) ?? `proposal:${p.id}`,
        })), actor.label);
        deployment = { bankId: r.bankId, entryIds: added.map((e) => e.id), requested: r.entries.length, alreadyPresent: r.entries.length - added.length };
        versions = { banks: await banksVersion(this.haven.store.db) };
        break;
      }
      case 'rule_change':
      case 'threshold_change':
      case 'prompt_change': {
        const kind = r.kind === 'rule_change' ? 'rules' : r.kind === 'threshold_change' ? 'policy' : 'llm_policy';
        const doc = r.kind === 'rule_change' ? r.document : r.kind === 'threshold_change' ? r.policy : r.llmPolicy;
        const saved = await this.haven.configs.deploy(kind, doc, reason, actor.label);
        deployment = { configKind: kind, version: saved.version };
        versions = { [kind]: saved.version };
        break;
      }
      case 'eval_examples': {
        const out = await addExamplesFromItems(this.q, r.set, r.itemIds, r.labels, 'escalation', actor.label, { now: this.haven.clock.now() });
        deployment = { evalSet: r.set, examples: r.itemIds.length, added: out.added, replaced: out.replaced, unchanged: out.unchanged };
        break;
      }
    }
    const now = this.haven.clock.now();
    if (!(await transitionProposal(this.q, p.id, ['approved'], 'deployed', { deployedBy: actor.label, deployedAt: now, deployment }, now))) {
      throw new ProposalError(409, 'wrong_status', 'the proposal was deployed or withdrawn meanwhile');
    }
    await this.record([this.event('proposal_deployed', p, actor.label, { deployment }, versions)], {
      actor: actor.label, action: 'proposal.deploy', id: p.id, details: { kind: p.kind, deployment },
    }, now);
    const deployed = await this.get(p.id);
    const retroaction = opts.retroact && r.kind === 'bank_hashes'
      ? await retroactBankHashes(this.haven, deployed, { ...opts.retroact, actor: actor.label })
      : null;
    return { proposal: deployed, retroaction };
  }
}

/** The headline of a backtest, for lists and events. */
export function summary(report: BacktestReport) {
  return {
    items: report.items, flips: report.flips.total, actionsDelta: report.actions.delta,
    newActions: report.precision.newActions.items, newActionsPrecision: report.precision.newActions.estimate,
    itemsPerSecond: Math.round(report.timings.itemsPerSecond),
  };
}
