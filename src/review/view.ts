import type { ItemId } from '../core/ids.js';
import { fromJson, type Queryable } from '../store/db.js';
import { accountsByIds } from '../store/repos/accounts.js';
import { getItems } from '../store/repos/items.js';
import { resultsForItem } from '../store/repos/results.js';
import { pendingDecisionOfTask, type ReviewDecisionRecord, type TaskRow } from '../store/repos/review-decisions.js';
import { queueById, REVIEW_VERDICTS, type ReviewConfig } from './config.js';

const CONTEXT_MESSAGES = 5;

/**
 * What a reviewer sees for one task: the item, its conversation before and after, the accounts involved, the
 * signals and why the task was queued, and (for a second review) the decision to confirm. A blind QA task hides
 * the decision under check and every score that led to it, so the check is independent.
 */
export async function taskView(q: Queryable, task: TaskRow, config: ReviewConfig, reviewerLabel: string) {
  const [item] = await getItems(q, [task.item_id]);
  if (!item) throw new Error(`item ${task.item_id} of task ${task.id} vanished`);
  const blind = task.blind === 1;
  const results = await resultsForItem(q, item.id as ItemId);

  const conversation = item.conversationId
    ? await q
        .selectFrom('items')
        .select(['id', 'author_id', 'text', 'kind', 'created_at'])
        .where('conversation_id', '=', item.conversationId)
        .orderBy('created_at')
        .orderBy('id')
        .execute()
    : [];
  const at = conversation.findIndex((m) => m.id === item.id);
  const window = at < 0 ? [] : conversation.slice(Math.max(0, at - CONTEXT_MESSAGES), at + CONTEXT_MESSAGES + 1);

  const accountIds = [...new Set([...(item.authorId ? [item.authorId] : []), ...item.recipientIds])];
  const accounts = await accountsByIds(q, accountIds);
  const priorViolations = accountIds.length
    ? await q
        .selectFrom('decisions')
        .innerJoin('items', 'items.id', 'decisions.item_id')
        .select((eb) => ['items.author_id', eb.fn.countAll<number | string>().as('n')])
        .where('decisions.verdict', '=', 'violating')
        .where('items.author_id', 'in', accountIds)
        .where('items.id', '!=', item.id)
        .groupBy('items.author_id')
        .execute()
    : [];
  const violationsBy = new Map(priorViolations.map((r) => [r.author_id, Number(r.n)]));

  const enqueued = await q
    .selectFrom('events')
    .select(['payload', 'at'])
    .where('item_id', '=', item.id)
    .where('type', '=', 'review_enqueued')
    .orderBy('at')
    .execute();
  const firstDecision: ReviewDecisionRecord | null =
    task.kind === 'second_review' && task.parent_task_id ? await pendingDecisionOfTask(q, task.parent_task_id) : null;
  const queue = queueById(config, task.queue);

  return {
    task: {
      id: task.id, kind: task.kind, queue: task.queue, queueName: queue.name, status: task.status, category: blind ? null : task.category,
      severity: task.severity, priority: task.priority, slaDueAt: task.sla_due_at, createdAt: task.created_at, claimedBy: task.claimed_by,
      claimedAt: task.claimed_at, leaseUntil: task.lease_until, assignedTo: task.assigned_to, source: task.source, clusterKey: task.cluster_key,
      ongoingHarm: task.ongoing_harm === 1, blind, mine: task.claimed_by === reviewerLabel,
    },
    allowedVerdicts: queue.allowedVerdicts ?? [...REVIEW_VERDICTS],
    item: {
      id: item.id, surface: item.surface, kind: item.kind, text: item.text, createdAt: item.createdAt, conversationId: item.conversationId,
      language: typeof item.metadata.language === 'string' ? item.metadata.language : null,
      media: item.media.map((m) => ({ id: m.id, mime: m.mime, width: m.width, height: m.height, stored: m.stored })),
    },
    conversation: window.map((m) => ({
      id: m.id, authorId: m.author_id, text: m.text, kind: m.kind, createdAt: Number(m.created_at), current: m.id === item.id,
    })),
    accounts: accounts.map((a) => ({
      id: a.id, externalId: a.externalId, ageBand: a.ageBand, createdAt: a.createdAt, flags: a.flags,
      role: a.id === item.authorId ? 'author' : 'recipient', priorViolations: violationsBy.get(a.id) ?? 0,
    })),
    signals: blind ? [] : results.signals.map((s) => ({ id: s.id, detector: s.detector, category: s.category, score: s.score, summary: s.evidence.summary })),
    /** Why the task is here: the queueing events, and (unless blind) the automatic decision's reasons. */
    whyQueued: {
      events: blind ? [] : enqueued.map((e) => ({ at: Number(e.at), payload: fromJson<Record<string, unknown>>(e.payload) })),
      reasons: blind ? [] : (results.decisions.find((d) => d.id === task.decision_id)?.reasons ?? []).map((r) => r.text),
    },
    firstDecision: firstDecision && {
      reviewer: firstDecision.reviewer, verdict: firstDecision.verdict, category: firstDecision.category, labels: firstDecision.labels,
      policyClause: firstDecision.policyClause, note: firstDecision.note, actions: firstDecision.actions, at: firstDecision.createdAt,
    },
  };
}
export type TaskView = Awaited<ReturnType<typeof taskView>>;
