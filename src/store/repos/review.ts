import { priorityOf } from '../../review/priority.js';
import type { Queryable } from '../db.js';
import { newId } from '../ids.js';

export type TaskKind = 'review' | 'second_review' | 'qa' | 'appeal' | 'escalation';

export interface NewReviewTask {
  itemId: string;
  decisionId: string;
  queue: string;
  category: string | null;
  severity: string;
  slaDueAt: number | null;
  kind?: TaskKind;
  source?: string | null;
  surface?: string | null;
  language?: string | null;
  reach?: number;
  hasMedia?: boolean;
  clusterKey?: string | null;
  ongoingHarm?: boolean;
  assignedTo?: string | null;
  parentTaskId?: string | null;
  blind?: boolean;
}

/** Inserts tasks scored for priority; a (decision, queue) pair that already has a task is left alone. Returns the new ids. */
export async function insertReviewTasks(q: Queryable, tasks: readonly NewReviewTask[], now: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < tasks.length; i += 200) {
    const rows = tasks.slice(i, i + 200).map((t) => ({
      id: newId(), item_id: t.itemId, decision_id: t.decisionId, queue: t.queue, category: t.category,
      severity: t.severity, status: 'open', sla_due_at: t.slaDueAt, created_at: now,
      priority: priorityOf({ severity: t.severity, ongoingHarm: t.ongoingHarm ?? false, slaDueAt: t.slaDueAt, createdAt: now, reach: t.reach ?? 0 }, now),
      ongoing_harm: t.ongoingHarm ? 1 : 0, kind: t.kind ?? 'review', source: t.source ?? null, surface: t.surface ?? null,
      language: t.language ?? null, reach: t.reach ?? 0, has_media: t.hasMedia ? 1 : 0, cluster_key: t.clusterKey ?? null,
      assigned_to: t.assignedTo ?? null, parent_task_id: t.parentTaskId ?? null, blind: t.blind ? 1 : 0,
    }));
    const inserted = await q
      .insertInto('review_tasks')
      .values(rows)
      .onConflict((oc) => oc.columns(['decision_id', 'queue']).doNothing())
      .returning('id')
      .execute();
    ids.push(...inserted.map((r) => r.id));
  }
  return ids;
}

export async function reviewTasksForItem(q: Queryable, itemId: string) {
  return q.selectFrom('review_tasks').selectAll().where('item_id', '=', itemId).orderBy('id').execute();
}
