import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../db.js';

/**
 * Evaluation sets, runs and per-item results. A set's `content_hash` covers its examples' content (not who added
 * them), and each run records the hash it ran on, so two runs are comparable exactly when their hashes match.
 * Results keep a copy of the labels they were scored against, so a run stays readable after its set changes.
 */
export function evaluationMigration(dialect: Dialect) {
  const json = dialect === 'postgres' ? 'jsonb' : 'text';
  const real = 'double precision';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('eval_sets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .addColumn('examples', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('eval_examples')
        .addColumn('set_id', 'text', (c) => c.notNull().references('eval_sets.id'))
        .addColumn('example_id', 'text', (c) => c.notNull())
        .addColumn('item_id', 'text')
        .addColumn('text', 'text')
        .addColumn('media', json, (c) => c.notNull())
        .addColumn('surface', 'text')
        .addColumn('author_age_band', 'text')
        .addColumn('recipient_age_bands', json, (c) => c.notNull())
        .addColumn('labels', json, (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('import', 'items', 'review', 'escalation', 'demo')`))
        .addColumn('added_by', 'text', (c) => c.notNull())
        .addColumn('added_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('eval_examples_pk', ['set_id', 'example_id'])
        .execute();
      await db.schema
        .createTable('eval_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('set_id', 'text', (c) => c.notNull().references('eval_sets.id'))
        .addColumn('set_name', 'text', (c) => c.notNull())
        .addColumn('set_hash', 'text', (c) => c.notNull())
        .addColumn('classifier', 'text', (c) => c.notNull())
        .addColumn('classifier_config', json, (c) => c.notNull())
        .addColumn('threshold', json, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('running', 'done', 'failed')`))
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .addColumn('examples', 'integer', (c) => c.notNull())
        .addColumn('errors', 'integer', (c) => c.notNull())
        .addColumn('cost_usd', real, (c) => c.notNull())
        .addColumn('metrics', json)
        .addColumn('error', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('eval_runs_set').on('eval_runs').columns(['set_id', 'started_at']).execute();
      await db.schema
        .createTable('eval_results')
        .addColumn('run_id', 'text', (c) => c.notNull().references('eval_runs.id'))
        .addColumn('example_id', 'text', (c) => c.notNull())
        .addColumn('labels', json, (c) => c.notNull())
        .addColumn('scores', json, (c) => c.notNull())
        .addColumn('predicted', json, (c) => c.notNull())
        .addColumn('cost_usd', real, (c) => c.notNull())
        .addColumn('latency_ms', real, (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('calls', json)
        .addPrimaryKeyConstraint('eval_results_pk', ['run_id', 'example_id'])
        .execute();
    },
    async down(): Promise<void> {
      throw new Error('the 007-evaluation migration cannot be undone');
    },
  };
}
