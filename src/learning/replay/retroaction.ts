import type { Haven } from '../../app.js';
import { preserveRequestedActions } from '../../enforcement/evidence/preserve.js';
import { openReportJobs } from '../../enforcement/ncmec/jobs.js';
import type { Evaluation } from '../../pipeline/evaluate.js';
import type { Item } from '../../core/types.js';
import { newId } from '../../store/ids.js';
import { appendAudit } from '../../store/repos/audit.js';
import { appendEvents } from '../../store/repos/events.js';
import type { Proposal } from '../../store/repos/proposals.js';
import { mediaItemIdsIngestedBetween } from '../../store/repos/replay.js';
import { insertReviewTasks } from '../../store/repos/review.js';
import { insertActions, insertDecisions, insertSignals } from '../../store/repos/results.js';
import { replayItems } from './engine.js';
import { buildReplaySetup } from './setup.js';

const DAY_MS = 86_400_000;
export const RETROACTION_MAX_DAYS = 90;
export const RETROACTION_MAX_ITEMS = 1000;

export interface RetroactionResult {
  proposalId: string;
  windowFrom: number;
  scanned: number;
  /** Items that got a new decision (and its actions) because they match the newly banked entries. */
  changed: { itemId: string; before: string | null; after: string; category: string | null; actions: string[] }[];
  /** Matching items left alone because the limit was reached. */
  skippedOverLimit: number;
}

const RANK: Record<string, number> = { no_violation: 0, needs_review: 1, violating: 2 };

/**
 * Retroaction for a deployed bank_hashes proposal: the items of the last `days` days whose media now match one of
 * the new entries, and whose recorded decision was milder than the new one, get a new decision with its actions,
 * review tasks, preservation and report jobs through the same writes as the live pipeline (one transaction,
 * events under the actor `retroaction:<proposal>`). Bounded by `limit` items; audited with the list of items.
 */
export async function retroactBankHashes(
  haven: Haven, proposal: Proposal, opts: { days: number; limit: number; actor: string },
): Promise<RetroactionResult> {
  if (proposal.kind !== 'bank_hashes' || proposal.status !== 'deployed') throw new Error('retroaction applies a deployed bank_hashes proposal');
  const entryIds = new Set(((proposal.deployment?.entryIds as string[] | undefined) ?? []).map(String));
  const days = Math.min(opts.days, RETROACTION_MAX_DAYS);
  const limit = Math.min(opts.limit, RETROACTION_MAX_ITEMS);
  const q = haven.store.db;
  const now = haven.clock.now();
  const from = now - days * DAY_MS;
  const ids = await mediaItemIdsIngestedBetween(q, from, now + 1);
  // The banks now hold the new entries, so today's setup is the deployed change.
  const rs = await buildReplaySetup(q, {}, { llm: haven.llm ? 'recorded' : 'off', stage: haven.llm });
  const actor = `retroaction:${proposal.id}`;
  const picked: { item: Item; result: Evaluation; before: string | null }[] = [];
  let skipped = 0;
  await replayItems(q, ids, rs, {
    newId, now,
    onItem: ({ item, before, after }) => {
      const matchesNew = after.signals.some((s) => s.evidence.informational !== true && entryIds.has(String(s.evidence.bankEntryId ?? '')));
      if (!matchesNew || (RANK[after.decision.verdict] ?? 0) <= (RANK[before?.verdict ?? 'no_violation'] ?? 0)) return;
      if (picked.length >= limit) {
        skipped++;
        return;
      }
      const events = after.events.map((e) => ({ ...e, actor }));
      picked.push({ item, result: { ...after, events }, before: before?.verdict ?? null });
    },
  });
  await q.transaction().execute(async (trx) => {
    if (picked.length > 0) {
      await insertSignals(trx, picked.flatMap((d) => d.result.signals));
      await insertDecisions(trx, picked.map((d) => d.result.decision));
      await insertActions(trx, picked.flatMap((d) => d.result.actions));
      await insertReviewTasks(trx, picked.flatMap((d) => d.result.reviewTasks.map((t) => ({ ...t, itemId: d.item.id, decisionId: d.result.decision.id }))), now);
      await appendEvents(trx, picked.flatMap((d) => [
        ...d.result.events,
        {
          type: 'retroaction_applied' as const, itemId: d.item.id, accountId: d.item.authorId, actor: opts.actor, versions: {},
          payload: { proposalId: proposal.id, decisionId: d.result.decision.id, before: d.before, after: d.result.decision.verdict },
        },
      ]), now);
      await preserveRequestedActions(trx, haven.keys, picked.flatMap((d) => d.result.actions), now);
      await openReportJobs(trx, picked, now);
    }
    await appendAudit(trx, {
      actor: opts.actor, action: 'proposal.retroaction', targetType: 'proposal', targetId: proposal.id,
      details: { days, limit, scanned: ids.length, changed: picked.length, skippedOverLimit: skipped, itemIds: picked.slice(0, 200).map((d) => d.item.id) },
    }, now);
  });
  return {
    proposalId: proposal.id, windowFrom: from, scanned: ids.length, skippedOverLimit: skipped,
    changed: picked.map((d) => ({ itemId: d.item.id, before: d.before, after: d.result.decision.verdict, category: d.result.decision.category, actions: d.result.decision.actions })),
  };
}
