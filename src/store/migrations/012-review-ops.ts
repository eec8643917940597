import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../db.js';

/**
 * Review operations. Tasks gain the facts routing and wellness read (kind, source, surface, language, reach,
 * media), a cluster key (one decision can cover items matching one bank entry or the same media), a named
 * assignee and a parent (a second review or QA points at the task it checks). Reviewer decisions, reviewer
 * profiles, daily exposure counters and calibration sessions get their own tables.
 */
export function reviewOpsMigration(dialect: Dialect) {
  const ms = 'bigint';
  const json = dialect === 'postgres' ? 'jsonb' : 'text';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const add = (name: string, type: 'text' | 'integer' | 'bigint', notNullDefault?: string | number) =>
        db.schema
          .alterTable('review_tasks')
          .addColumn(name, type, (c) => (notNullDefault === undefined ? c : c.notNull().defaultTo(notNullDefault)))
          .execute();
      /** review, second_review, qa, appeal or escalation. */
      await add('kind', 'text', 'review');
      /** hash_match, classifier, user_report or escalation. */
      await add('source', 'text');
      await add('surface', 'text');
      await add('language', 'text');
      await add('reach', 'integer', 0);
      await add('has_media', 'integer', 0);
      await add('cluster_key', 'text');
      /** A named colleague the task is assigned or escalated to; only they can claim it. */
      await add('assigned_to', 'text');
      await add('parent_task_id', 'text');
      /** QA: the reviewer must not see the decision under check. */
      await add('blind', 'integer', 0);
      await sql.raw(`CREATE INDEX review_tasks_cluster ON review_tasks (cluster_key) WHERE status = 'open'`).execute(db);
      await sql.raw(`CREATE INDEX review_tasks_assigned ON review_tasks (assigned_to) WHERE status = 'open'`).execute(db);
      await db.schema.createIndex('review_tasks_item').on('review_tasks').column('item_id').execute();
      await db.schema.createIndex('review_tasks_decided').on('review_tasks').columns(['decided_at']).execute();

      await db.schema
        .createTable('review_decisions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('task_id', 'text', (c) => c.notNull())
        .addColumn('item_id', 'text', (c) => c.notNull())
        /** review, second_review, qa, appeal or escalation (the task's kind). */
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('reviewer', 'text', (c) => c.notNull())
        /** violating, not_violating or escalate. */
        .addColumn('verdict', 'text', (c) => c.notNull())
        .addColumn('category', 'text')
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('labels', json, (c) => c.notNull())
        .addColumn('policy_clause', 'text')
        .addColumn('note', 'text')
        .addColumn('actions', json, (c) => c.notNull())
        /** final, pending_second, confirmed, overridden, escalated or recorded (QA). */
        .addColumn('outcome', 'text', (c) => c.notNull())
        /** The enforcement decision this review produced (null until it is final). */
        .addColumn('decision_id', 'text')
        /** The decision under review: the automated one, or (QA, second review) the first reviewer's. */
        .addColumn('subject_decision_id', 'text')
        /** QA and second review: whether this reviewer agreed with the decision under check. */
        .addColumn('agrees', 'integer')
        .addColumn('bulk_id', 'text')
        .addColumn('claimed_at', ms)
        .addColumn('created_at', ms, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('review_decisions_reviewer').on('review_decisions').columns(['reviewer', 'created_at']).execute();
      await db.schema.createIndex('review_decisions_item').on('review_decisions').column('item_id').execute();
      await db.schema.createIndex('review_decisions_task').on('review_decisions').column('task_id').execute();
      await db.schema.createIndex('review_decisions_created').on('review_decisions').column('created_at').execute();

      await db.schema
        .createTable('reviewer_profiles')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('team', 'text')
        .addColumn('skills', json, (c) => c.notNull())
        .addColumn('languages', json, (c) => c.notNull())
        .addColumn('clearance', 'text', (c) => c.notNull())
        /** Per-reviewer overrides: { blur?, grayscale? }. */
        .addColumn('wellness', json, (c) => c.notNull())
        /** Per-reviewer exposure limits set by the manager; null: the organisation's. */
        .addColumn('limits', json)
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', ms, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('reviewer_exposure')
        .addColumn('reviewer', 'text', (c) => c.notNull())
        /** UTC day, YYYY-MM-DD: limits reset at midnight UTC. */
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('items', 'integer', (c) => c.notNull())
        .addColumn('media_ms', ms, (c) => c.notNull())
        .addColumn('updated_at', ms, (c) => c.notNull())
        .addPrimaryKeyConstraint('reviewer_exposure_pk', ['reviewer', 'day'])
        .execute();

      await db.schema
        .createTable('calibration_sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('item_ids', json, (c) => c.notNull())
        /** The agreed answer per item, once the lead sets it: { [itemId]: { verdict, category } }. */
        .addColumn('answer_key', json)
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('closed_at', ms)
        .execute();

      await db.schema
        .createTable('calibration_answers')
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('item_id', 'text', (c) => c.notNull())
        .addColumn('reviewer', 'text', (c) => c.notNull())
        .addColumn('verdict', 'text', (c) => c.notNull())
        .addColumn('category', 'text')
        .addColumn('created_at', ms, (c) => c.notNull())
        .addPrimaryKeyConstraint('calibration_answers_pk', ['session_id', 'item_id', 'reviewer'])
        .execute();
    },
    async down(): Promise<void> {
      throw new Error('the 012-review-ops migration cannot be undone');
    },
  };
}
