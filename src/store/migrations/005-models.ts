import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../db.js';

/**
 * Versioned local text models. Weights are base64 text, the same on both dialects; a partial unique index
 * (supported by SQLite and Postgres alike) keeps at most one model live.
 */
export function modelsMigration(dialect: Dialect) {
  const json = dialect === 'postgres' ? 'jsonb' : 'text';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('models')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('version', 'integer', (c) => c.notNull().unique())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('candidate', 'live', 'retired')`))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('params', json, (c) => c.notNull())
        .addColumn('metrics', json, (c) => c.notNull())
        .addColumn('training', json, (c) => c.notNull())
        .addColumn('weights', 'text', (c) => c.notNull())
        .addColumn('promoted_at', 'bigint')
        .addColumn('promoted_by', 'text')
        .addColumn('promotion_reason', 'text')
        .execute();
      await db.schema.createIndex('models_one_live').on('models').column('status').unique().where(sql.ref('status'), '=', 'live').execute();
    },
    async down(): Promise<void> {
      throw new Error('the 005-models migration cannot be undone');
    },
  };
}
