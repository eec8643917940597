import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/** Distributed mode: a job row records when its item was handed to the NATS work stream. */
export function scaleOutMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('jobs').addColumn('dispatched_at', 'bigint').execute();
      // Finds jobs committed but never published (their process died between the two).
      await db.schema.createIndex('jobs_undispatched').on('jobs').columns(['status', 'dispatched_at', 'created_at']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('jobs_undispatched').execute();
      await db.schema.alterTable('jobs').dropColumn('dispatched_at').execute();
    },
  };
}
