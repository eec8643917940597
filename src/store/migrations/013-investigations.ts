import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/**
 * Investigations and the feedback loop: escalations with their entities, notes, root causes and remediation
 * items; labels investigators put on entities (read by detection); per-entity rule snoozes; proposals for a
 * change, their backtests, approval, deployment and the watch that checks the failure does not recur.
 */
export function investigationsMigration(dialect: Dialect) {
  const ms = 'bigint';
  const json = dialect === 'postgres' ? 'jsonb' : 'text';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('escalations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        /** law_enforcement, ncmec, press, executive, user_reports, internal, other. */
        .addColumn('source', 'text', (c) => c.notNull())
        /** P0..P3, each with an SLA. */
        .addColumn('priority', 'text', (c) => c.notNull())
        /** new, investigating, mitigated, resolved. */
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('owner', 'text')
        .addColumn('sla_due_at', ms, (c) => c.notNull())
        /** false_positive, confirmed, valuable_signal: set when resolved. */
        .addColumn('outcome', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('updated_at', ms, (c) => c.notNull())
        .addColumn('mitigated_at', ms)
        .addColumn('resolved_at', ms)
        .execute();
      await db.schema.createIndex('escalations_status').on('escalations').columns(['status', 'priority']).execute();

      await db.schema
        .createTable('escalation_entities')
        .addColumn('escalation_id', 'text', (c) => c.notNull())
        /** item, account, conversation, bank_entry. */
        .addColumn('entity_type', 'text', (c) => c.notNull())
        .addColumn('entity_id', 'text', (c) => c.notNull())
        /** Why it is in the case: named at intake, or pulled in as related (same author, same bank entry, ...). */
        .addColumn('relation', 'text', (c) => c.notNull())
        .addColumn('added_by', 'text', (c) => c.notNull())
        .addColumn('added_at', ms, (c) => c.notNull())
        .addPrimaryKeyConstraint('escalation_entities_pk', ['escalation_id', 'entity_type', 'entity_id'])
        .execute();
      await db.schema.createIndex('escalation_entities_entity').on('escalation_entities').columns(['entity_type', 'entity_id']).execute();

      await db.schema
        .createTable('escalation_notes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('escalation_id', 'text', (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull())
        /** note, status, system. */
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('at', ms, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('escalation_notes_escalation').on('escalation_notes').columns(['escalation_id', 'at']).execute();

      await db.schema
        .createTable('root_causes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('escalation_id', 'text', (c) => c.notNull())
        /** detection_gap, threshold, hash_not_banked, evasion_obfuscation, evasion_perturbation, classifier_miss,
         *  reviewer_error, queue_delay, delivery_failure, policy_gap, tooling_bug. */
        .addColumn('cause', 'text', (c) => c.notNull())
        /** suggested (by Haven from the trace), confirmed, rejected. */
        .addColumn('status', 'text', (c) => c.notNull())
        /** Links to trace steps: [{ itemId, eventId?, step, text }]. */
        .addColumn('evidence', json, (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('suggested_by', 'text', (c) => c.notNull())
        .addColumn('decided_by', 'text')
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('updated_at', ms, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('root_causes_escalation').on('root_causes').column('escalation_id').execute();

      await db.schema
        .createTable('remediation_items')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('escalation_id', 'text', (c) => c.notNull())
        /** product, data_science, data_engineering, engineering, legal, policy, operations. */
        .addColumn('team', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('owner', 'text')
        .addColumn('due_at', ms)
        /** open, in_progress, done, wont_do. */
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('root_cause_id', 'text')
        .addColumn('proposal_id', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('updated_at', ms, (c) => c.notNull())
        .addColumn('done_at', ms)
        .execute();
      await db.schema.createIndex('remediation_items_status').on('remediation_items').columns(['status', 'team']).execute();
      await db.schema.createIndex('remediation_items_escalation').on('remediation_items').column('escalation_id').execute();

      await db.schema
        .createTable('entity_labels')
        .addColumn('id', 'text', (c) => c.primaryKey())
        /** account, device, conversation. */
        .addColumn('entity_type', 'text', (c) => c.notNull())
        .addColumn('entity_id', 'text', (c) => c.notNull())
        /** e.g. known_evader. */
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('escalation_id', 'text')
        .addColumn('expires_at', ms)
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('removed_by', 'text')
        .addColumn('removed_at', ms)
        .execute();
      await db.schema.createIndex('entity_labels_entity').on('entity_labels').columns(['entity_type', 'entity_id']).execute();

      await db.schema
        .createTable('rule_snoozes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('rule_id', 'text', (c) => c.notNull())
        .addColumn('entity_type', 'text', (c) => c.notNull())
        .addColumn('entity_id', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('escalation_id', 'text')
        .addColumn('expires_at', ms)
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('removed_at', ms)
        .execute();
      await db.schema.createIndex('rule_snoozes_entity').on('rule_snoozes').columns(['entity_type', 'entity_id']).execute();

      await db.schema
        .createTable('proposals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('escalation_id', 'text')
        /** bank_hashes, rule_change, threshold_change, eval_examples, prompt_change. */
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        /** draft, backtested, approved, rejected, deployed. */
        .addColumn('status', 'text', (c) => c.notNull())
        /** The change itself (kind-specific). */
        .addColumn('change', json, (c) => c.notNull())
        /** The root cause the change is meant to stop recurring; the watch looks for it after deploy. */
        .addColumn('root_cause', 'text')
        .addColumn('proposed_by', 'text', (c) => c.notNull())
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', ms)
        .addColumn('decision_note', 'text')
        .addColumn('deployed_by', 'text')
        .addColumn('deployed_at', ms)
        /** What deploying made: { configKind, version } or { bankId, entryIds } or { evalSet, examples }. */
        .addColumn('deployment', json)
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('updated_at', ms, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('proposals_escalation').on('proposals').column('escalation_id').execute();
      await db.schema.createIndex('proposals_status').on('proposals').column('status').execute();

      await db.schema
        .createTable('backtests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('proposal_id', 'text')
        /** backtest (replay history, no effects), spot (one item), what_if (an escalation's items). */
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('window_from', ms)
        .addColumn('window_to', ms)
        .addColumn('items', 'integer', (c) => c.notNull())
        /** Counts, flips (sampled), estimated precision, timings. */
        .addColumn('report', json, (c) => c.notNull())
        .addColumn('run_by', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('backtests_proposal').on('backtests').column('proposal_id').execute();
    },
    async down(): Promise<void> {
      throw new Error('the 013-investigations migration cannot be undone');
    },
  };
}
