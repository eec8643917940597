import type { Queryable } from '../../store/db.js';
import { escalationFacts, getProposal, type Proposal, type ProposalKind } from '../../store/repos/proposals.js';
import { decidedItemsSince, hashSignalsOfItems, hashSignalsSince, humanLabels } from '../../store/repos/replay.js';
import { ProposalError, resolveChange } from './changes.js';

const SAMPLE = 20;

export interface WatchReport {
  proposalId: string;
  kind: ProposalKind;
  rootCause: string | null;
  status: 'not_deployed' | 'watching';
  deployedAt: number | null;
  /** Items ingested since the deploy that the watch looked at. */
  itemsSince: number;
  /** Items the change now catches (bank_hashes: matched a new entry; others: actioned in the changed categories). */
  caught: { items: number; sample: string[] };
  /** The same failure again after the deploy (see `definition`). */
  recurrences: { items: number; sample: string[] };
  recurred: boolean;
  definition: string;
}

const distinct = (ids: readonly string[]) => [...new Set(ids)];

/**
 * Whether the root cause a deployed proposal fixes recurs. For bank_hashes: items after the deploy whose media is a
 * near miss (an informational PDQ signal) to a newly banked entry or to an entry the escalation's items nearly
 * matched, against items now caught by the new entries. For threshold and rule changes: items after the deploy in
 * the changed categories the pipeline did not action and a person later confirmed. For prompt changes and eval
 * examples: items after the deploy the pipeline did not action and a person confirmed (any category).
 */
export async function watchProposal(q: Queryable, proposalId: string): Promise<WatchReport> {
  const p = await getProposal(q, proposalId);
  if (!p) throw new ProposalError(404, 'not_found', `proposal ${proposalId} not found`);
  const base = { proposalId: p.id, kind: p.kind, rootCause: p.rootCause, deployedAt: p.deployedAt };
  if (p.status !== 'deployed' || p.deployedAt === null) {
    return { ...base, status: 'not_deployed', itemsSince: 0, caught: { items: 0, sample: [] }, recurrences: { items: 0, sample: [] }, recurred: false, definition: 'the proposal is not deployed yet' };
  }
  return p.kind === 'bank_hashes' ? watchBankHashes(q, p, base) : watchDecisions(q, p, base);
}

async function watchBankHashes(q: Queryable, p: Proposal, base: Pick<WatchReport, 'proposalId' | 'kind' | 'rootCause' | 'deployedAt'>): Promise<WatchReport> {
  const since = p.deployedAt as number;
  const newEntries = new Set(((p.deployment?.entryIds as unknown[] | undefined) ?? []).map(String));
  const watched = new Set(newEntries);
  if (p.escalationId) {
    const facts = await escalationFacts(q, p.escalationId);
    for (const s of await hashSignalsOfItems(q, facts?.itemIds ?? [])) {
      if (s.evidence.nearMiss === true && s.evidence.bankEntryId) watched.add(String(s.evidence.bankEntryId));
    }
  }
  const signals = await hashSignalsSince(q, since);
  const caught = distinct(signals.filter((s) => s.evidence.informational !== true && newEntries.has(String(s.evidence.bankEntryId ?? ''))).map((s) => s.itemId));
  const caughtSet = new Set(caught);
  const near = distinct(signals.filter((s) => s.evidence.nearMiss === true && watched.has(String(s.evidence.bankEntryId ?? ''))).map((s) => s.itemId))
    .filter((id) => !caughtSet.has(id));
  const itemsSince = (await decidedItemsSince(q, since)).length;
  return {
    ...base, status: 'watching', itemsSince, caught: { items: caught.length, sample: caught.slice(0, SAMPLE) },
    recurrences: { items: near.length, sample: near.slice(0, SAMPLE) }, recurred: near.length > 0,
    definition: 'recurrence: an item ingested after the deploy whose media is a PDQ near miss to a newly banked entry (or to an entry the ' +
      "escalation's items nearly matched) and that no new entry caught; caught: items matched by a new entry",
  };
}

async function watchDecisions(q: Queryable, p: Proposal, base: Pick<WatchReport, 'proposalId' | 'kind' | 'rootCause' | 'deployedAt'>): Promise<WatchReport> {
  const since = p.deployedAt as number;
  let categories: Set<string> | null = null;
  if (p.kind === 'threshold_change' || p.kind === 'rule_change') {
    const r = await resolveChange(q, p.kind, p.change).catch(() => null);
    if (r?.kind === 'threshold_change') categories = new Set(r.categories);
    if (r?.kind === 'rule_change') categories = new Set(r.document.rules.rules.map((x) => x.category));
  }
  const decided = await decidedItemsSince(q, since);
  const labels = await humanLabels(q, decided.map((d) => d.itemId));
  const inScope = (c: string | null | undefined) => categories === null || (c !== null && c !== undefined && categories.has(c));
  const caught = decided.filter((d) => d.verdict === 'violating' && inScope(d.category)).map((d) => d.itemId);
  const missed = decided.filter((d) => {
    const l = labels.get(d.itemId);
    // A confirmed item the pipeline left below the action threshold; metadata labels are not a person's word.
    return d.verdict !== 'violating' && l?.violating === true && l.source !== 'metadata' && inScope(l.category ?? d.category);
  }).map((d) => d.itemId);
  return {
    ...base, status: 'watching', itemsSince: decided.length, caught: { items: caught.length, sample: caught.slice(0, SAMPLE) },
    recurrences: { items: missed.length, sample: missed.slice(0, SAMPLE) }, recurred: missed.length > 0,
    definition: `recurrence: an item ingested after the deploy${categories ? ` in ${[...categories].join(', ')}` : ''} that the pipeline did not ` +
      'action and a person later confirmed (final review decision or upheld appeal); caught: items actioned in scope',
  };
}
