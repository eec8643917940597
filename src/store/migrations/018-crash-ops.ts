import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/**
 * Crash safety of the CyberTipline client: the step a runner has sent to NCMEC and not yet recorded an answer for.
 * Set (committed) before the request goes out and cleared with its outcome, so a runner that takes a job over after a
 * crash knows a request's fate is unknown and recovers instead of repeating it blindly.
 */
export function crashOpsMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('report_jobs').addColumn('inflight_step', 'text').execute();
      await db.schema.alterTable('report_jobs').addColumn('inflight_file_id', 'text').execute();
      await db.schema.alterTable('report_jobs').addColumn('inflight_at', 'bigint').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('report_jobs').dropColumn('inflight_at').execute();
      await db.schema.alterTable('report_jobs').dropColumn('inflight_file_id').execute();
      await db.schema.alterTable('report_jobs').dropColumn('inflight_step').execute();
    },
  };
}
