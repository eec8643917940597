import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../db.js';

/**
 * The bank change sequence that hash-index replicas catch up from: every change to a bank or an entry takes the next
 * number from the `bank_change_seq` setting and stamps the rows it touched with it, so a replica reads only the rows
 * changed after the number it has applied. Rows from before this migration carry 0 and arrive with the first load.
 * `banks_rev`, the revision it replaces, goes.
 */
export function bankChangesMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('banks').addColumn('change_seq', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('bank_entries').addColumn('change_seq', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.createIndex('bank_entries_change_seq').on('bank_entries').column('change_seq').execute();
      await sql`INSERT INTO settings (key, value) VALUES ('bank_change_seq', '0')`.execute(db);
      await sql`DELETE FROM settings WHERE key = 'banks_rev'`.execute(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`DELETE FROM settings WHERE key = 'bank_change_seq'`.execute(db);
      await db.schema.dropIndex('bank_entries_change_seq').execute();
      await db.schema.alterTable('bank_entries').dropColumn('change_seq').execute();
      await db.schema.alterTable('banks').dropColumn('change_seq').execute();
    },
  };
}
