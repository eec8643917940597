import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/** Evidence vault: preservation and legal holds over sealed media and metadata. */
export function evidenceMigration(dialect: Dialect) {
  const json = dialect === 'postgres' ? 'jsonb' : 'text';
  const blob = dialect === 'postgres' ? 'bytea' : 'blob';
  const ms = 'bigint';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // One preserved copy of what Haven knew about an item. The snapshot is sealed like media (a data key per record,
      // wrapped by the master key); in hash-only mode there is no key, so it is kept as plain JSON (the same metadata
      // the items table already holds). Retention clears the snapshot columns and sets purged_at; the row stays.
      await db.schema
        .createTable('evidence_records')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('item_id', 'text', (c) => c.notNull())
        .addColumn('decision_id', 'text')
        .addColumn('action_id', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('media_note', 'text')
        .addColumn('snapshot_sha256', 'text', (c) => c.notNull())
        .addColumn('snapshot_key_id', 'text')
        .addColumn('snapshot_wrapped_key', blob)
        .addColumn('snapshot_iv', blob)
        .addColumn('snapshot_tag', blob)
        .addColumn('snapshot_ciphertext', blob)
        .addColumn('snapshot_plain', json)
        .addColumn('purged_at', ms)
        .execute();
      await db.schema.createIndex('evidence_records_item').on('evidence_records').columns(['item_id', 'created_at']).execute();
      await db.schema.createIndex('evidence_records_retention').on('evidence_records').columns(['purged_at', 'created_at']).execute();

      // The media a record refers to, by SHA-256 (the bytes stay in media_blobs, stored once however often shared).
      await db.schema
        .createTable('evidence_media')
        .addColumn('evidence_id', 'text', (c) => c.notNull())
        .addColumn('media_id', 'text', (c) => c.notNull())
        .addColumn('idx', 'integer', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('mime', 'text', (c) => c.notNull())
        .addColumn('bytes', 'integer', (c) => c.notNull())
        .addColumn('blob_held', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('evidence_media_pk', ['evidence_id', 'media_id'])
        .execute();
      await db.schema.createIndex('evidence_media_sha256').on('evidence_media').column('sha256').execute();

      // preservation: placed by a decision, expires. legal: placed by a person, lasts until a person lifts it.
      // A hold names an item or an account (then it covers every item the account authored).
      await db.schema
        .createTable('evidence_holds')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('item_id', 'text')
        .addColumn('account_id', 'text')
        .addColumn('evidence_id', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', ms, (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('expires_at', ms)
        .addColumn('released_at', ms)
        .addColumn('released_by', 'text')
        .addColumn('release_reason', 'text')
        .execute();
      await db.schema.createIndex('evidence_holds_item').on('evidence_holds').columns(['item_id', 'released_at']).execute();
      await db.schema.createIndex('evidence_holds_account').on('evidence_holds').columns(['account_id', 'released_at']).execute();
      await db.schema.createIndex('media_blobs_created').on('media_blobs').column('created_at').execute();
    },
    async down(): Promise<void> {
      throw new Error('the 008-evidence migration cannot be undone');
    },
  };
}
