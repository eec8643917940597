import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../db.js';

/**
 * CyberTipline report jobs, their files and every exchange with NCMEC. One job per reported account; a job moves
 * draft -> approved -> submitted -> files_uploaded -> details_sent -> finished (or retracted / failed), and each
 * step is committed with the exact request and response before the next one starts, so a crash resumes.
 */
export function ncmecMigration(dialect: Dialect) {
  const json = dialect === 'postgres' ? 'jsonb' : 'text';
  const ms = 'bigint';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('report_jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text')
        .addColumn('status', 'text', (c) =>
          c.notNull().check(sql`status in ('draft', 'approved', 'submitted', 'files_uploaded', 'details_sent', 'finished', 'retracted', 'failed')`))
        .addColumn('retract_requested', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('retract_reason', 'text')
        .addColumn('ncmec_report_id', 'text')
        .addColumn('approved_by', 'text')
        .addColumn('approved_at', ms)
        .addColumn('approval_note', 'text')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', ms)
        .addColumn('last_error', 'text')
        .addColumn('lease_owner', 'text')
        .addColumn('lease_expires_at', ms)
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('updated_at', ms, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('report_jobs_account').on('report_jobs').columns(['account_id', 'status']).execute();
      await db.schema.createIndex('report_jobs_due').on('report_jobs').columns(['status', 'next_attempt_at']).execute();
      await db.schema
        .createTable('report_job_items')
        .addColumn('job_id', 'text', (c) => c.notNull().references('report_jobs.id'))
        .addColumn('item_id', 'text', (c) => c.notNull().references('items.id'))
        .addColumn('decision_id', 'text', (c) => c.notNull())
        .addColumn('action_id', 'text', (c) => c.notNull())
        .addColumn('category', 'text')
        .addColumn('added_at', ms, (c) => c.notNull())
        .addPrimaryKeyConstraint('report_job_items_pk', ['job_id', 'item_id'])
        .execute();
      await db.schema.createIndex('report_job_items_item').on('report_job_items').column('item_id').execute();
      await db.schema
        .createTable('report_files')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('job_id', 'text', (c) => c.notNull().references('report_jobs.id'))
        .addColumn('media_id', 'text', (c) => c.notNull())
        .addColumn('item_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('mime', 'text', (c) => c.notNull())
        .addColumn('bytes', 'integer', (c) => c.notNull())
        .addColumn('md5', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('stored', 'integer', (c) => c.notNull())
        .addColumn('classification', 'text', (c) => c.check(sql`classification in ('A1', 'A2', 'B1', 'B2')`))
        .addColumn('annotations', json, (c) => c.notNull())
        .addColumn('publicly_available', 'integer', (c) => c.notNull())
        .addColumn('ncmec_file_id', 'text')
        .addColumn('ncmec_md5', 'text')
        .addColumn('details_sent_at', ms)
        .addColumn('added_at', ms, (c) => c.notNull())
        .addUniqueConstraint('report_files_job_media', ['job_id', 'media_id'])
        .execute();
      await db.schema
        .createTable('report_exchanges')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('job_id', 'text', (c) => c.notNull().references('report_jobs.id'))
        .addColumn('step', 'text', (c) => c.notNull())
        .addColumn('file_id', 'text')
        .addColumn('request', 'text', (c) => c.notNull())
        .addColumn('http_status', 'integer')
        .addColumn('response', 'text')
        .addColumn('response_code', 'integer')
        .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('ok', 'retry', 'refused')`))
        .addColumn('at', ms, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('report_exchanges_job').on('report_exchanges').columns(['job_id', 'at']).execute();
    },
    async down(): Promise<void> {
      throw new Error('the 009-ncmec migration cannot be undone');
    },
  };
}
