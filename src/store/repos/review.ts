import type { Queryable } from '../db.js';
import { newId } from '../ids.js';

export interface NewReviewTask {
  itemId: string;
  decisionId: string;
  queue: string;
  category: string | null;
  severity: string;
  slaDueAt: number | null;
}

export async function insertReviewTasks(q: Queryable, tasks: readonly NewReviewTask[], now: number): Promise<void> {
  for (let i = 0; i < tasks.length; i += 300) {
    await q
      .insertInto('review_tasks')
      .values(tasks.slice(i, i + 300).map((t) => ({
        id: newId(), item_id: t.itemId, decision_id: t.decisionId, queue: t.queue, category: t.category,
        severity: t.severity, status: 'open', sla_due_at: t.slaDueAt, created_at: now,
      })))
      .onConflict((oc) => oc.columns(['decision_id', 'queue']).doNothing())
      .execute();
  }
}

export async function reviewTasksForItem(q: Queryable, itemId: string) {
  return q.selectFrom('review_tasks').selectAll().where('item_id', '=', itemId).orderBy('id').execute();
}
