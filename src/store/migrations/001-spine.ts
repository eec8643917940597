import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../db.js';

/** The spine: items and their trace, banks, configuration versions, people and the audit chain. */
export function spineMigration(dialect: Dialect) {
  const json = dialect === 'postgres' ? 'jsonb' : 'text';
  const blob = dialect === 'postgres' ? 'bytea' : 'blob';
  const ms = 'bigint';
  const real = 'double precision';

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('external_id', 'text', (c) => c.notNull().unique())
        .addColumn('age_band', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('first_seen_at', ms, (c) => c.notNull())
        .addColumn('flags', json, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('items')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('content_digest', 'text', (c) => c.notNull())
        .addColumn('surface', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('text', 'text')
        .addColumn('author_id', 'text')
        .addColumn('conversation_id', 'text')
        .addColumn('recipient_ids', json, (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('ingested_at', ms, (c) => c.notNull())
        .addColumn('metadata', json, (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addUniqueConstraint('items_external_digest', ['external_id', 'content_digest'])
        .execute();
      await db.schema.createIndex('items_author').on('items').columns(['author_id', 'created_at']).execute();
      await db.schema.createIndex('items_conversation').on('items').columns(['conversation_id', 'created_at']).execute();
      await db.schema.createIndex('items_ingested').on('items').column('ingested_at').execute();

      await db.schema
        .createTable('media')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('item_id', 'text', (c) => c.notNull())
        .addColumn('idx', 'integer', (c) => c.notNull())
        .addColumn('mime', 'text', (c) => c.notNull())
        .addColumn('bytes', 'integer', (c) => c.notNull())
        .addColumn('md5', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('width', 'integer')
        .addColumn('height', 'integer')
        .addColumn('stored', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('media_item').on('media').column('item_id').execute();
      await db.schema.createIndex('media_sha256').on('media').column('sha256').execute();
      await db.schema.createIndex('media_md5').on('media').column('md5').execute();

      await db.schema
        .createTable('media_blobs')
        .addColumn('sha256', 'text', (c) => c.primaryKey())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('wrapped_key', blob, (c) => c.notNull())
        .addColumn('iv', blob, (c) => c.notNull())
        .addColumn('tag', blob, (c) => c.notNull())
        .addColumn('ciphertext', blob, (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('signals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('item_id', 'text', (c) => c.notNull())
        .addColumn('detector', 'text', (c) => c.notNull())
        .addColumn('detector_version', 'text', (c) => c.notNull())
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('score', real, (c) => c.notNull())
        .addColumn('evidence', json, (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('signals_item').on('signals').column('item_id').execute();
      await db.schema.createIndex('signals_category').on('signals').columns(['category', 'created_at']).execute();

      await db.schema
        .createTable('decisions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('item_id', 'text', (c) => c.notNull())
        .addColumn('policy_version', 'integer', (c) => c.notNull())
        .addColumn('taxonomy_version', 'integer', (c) => c.notNull())
        .addColumn('verdict', 'text', (c) => c.notNull())
        .addColumn('category', 'text')
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('actions', json, (c) => c.notNull())
        .addColumn('reasons', json, (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('decisions_item').on('decisions').column('item_id').execute();
      await db.schema.createIndex('decisions_verdict').on('decisions').columns(['verdict', 'created_at']).execute();

      await db.schema
        .createTable('actions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('decision_id', 'text', (c) => c.notNull())
        .addColumn('item_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text')
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('delivery', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('delivered_at', ms)
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', ms)
        .addColumn('last_error', 'text')
        .addColumn('lease_owner', 'text')
        .addColumn('lease_expires_at', ms)
        .execute();
      await db.schema.createIndex('actions_item').on('actions').column('item_id').execute();
      await db.schema.createIndex('actions_outbox').on('actions').columns(['status', 'next_attempt_at']).execute();

      await db.schema
        .createTable('events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', ms, (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('item_id', 'text')
        .addColumn('account_id', 'text')
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('versions', json, (c) => c.notNull())
        .addColumn('payload', json, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('events_item').on('events').columns(['item_id', 'id']).execute();
      await db.schema.createIndex('events_account').on('events').columns(['account_id', 'id']).execute();
      await db.schema.createIndex('events_type_at').on('events').columns(['type', 'at']).execute();

      await db.schema
        .createTable('jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('item_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('run_after', ms, (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_expires_at', ms)
        .addColumn('last_error', 'text')
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('finished_at', ms)
        .addUniqueConstraint('jobs_kind_item', ['kind', 'item_id'])
        .execute();
      await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_after']).execute();

      await db.schema
        .createTable('banks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('bank_entries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('bank_id', 'text', (c) => c.notNull())
        .addColumn('hash_type', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('classification', 'text')
        .addColumn('label', 'text')
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addUniqueConstraint('bank_entries_unique', ['bank_id', 'hash_type', 'hash'])
        .execute();
      await db.schema.createIndex('bank_entries_hash').on('bank_entries').columns(['hash_type', 'hash']).execute();

      await db.schema
        .createTable('config_versions')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('document', json, (c) => c.notNull())
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addPrimaryKeyConstraint('config_versions_pk', ['kind', 'version'])
        .execute();

      await db.schema
        .createTable('review_tasks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('item_id', 'text', (c) => c.notNull())
        .addColumn('decision_id', 'text', (c) => c.notNull().unique())
        .addColumn('queue', 'text', (c) => c.notNull())
        .addColumn('category', 'text')
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('sla_due_at', ms)
        .addColumn('created_at', ms, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('review_tasks_open').on('review_tasks').columns(['status', 'queue', 'sla_due_at']).execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('roles', json, (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('disabled_at', ms)
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('expires_at', ms, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('scopes', json, (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('revoked_at', ms)
        .execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('at', ms, (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target_type', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text')
        .addColumn('details', json, (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();

      if (dialect === 'postgres') {
        // The trace is append-only: refuse edits at the database, not only in code.
        await sql`CREATE FUNCTION haven_append_only() RETURNS trigger AS $$
          BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$ LANGUAGE plpgsql`.execute(db);
        await sql`CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
          FOR EACH ROW EXECUTE FUNCTION haven_append_only()`.execute(db);
      } else {
        await sql`CREATE TRIGGER events_no_update BEFORE UPDATE ON events
          BEGIN SELECT RAISE(ABORT, 'events is append-only'); END`.execute(db);
        await sql`CREATE TRIGGER events_no_delete BEFORE DELETE ON events
          BEGIN SELECT RAISE(ABORT, 'events is append-only'); END`.execute(db);
      }
    },
    async down(): Promise<void> {
      throw new Error('the spine migration cannot be undone');
    },
  };
}
