import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/** Conversation risk state and contact edges for behaviour signals. */
export function conversationsMigration(dialect: Dialect) {
  const json = dialect === 'postgres' ? 'jsonb' : 'text';
  const ms = 'bigint';
  const real = 'double precision';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // One row per conversation: the decaying indicator state, and its score and crossing time for queries.
      await db.schema
        .createTable('conversation_risk')
        .addColumn('conversation_id', 'text', (c) => c.primaryKey())
        .addColumn('state', json, (c) => c.notNull())
        .addColumn('score', real, (c) => c.notNull())
        .addColumn('updated_at', ms, (c) => c.notNull())
        .addColumn('crossed_at', ms)
        .execute();

      // One row per (item, recipient): who contacted whom, with both age bands as known at the time.
      await db.schema
        .createTable('contacts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('item_id', 'text', (c) => c.notNull())
        .addColumn('author_id', 'text', (c) => c.notNull())
        .addColumn('recipient_id', 'text', (c) => c.notNull())
        .addColumn('author_band', 'text', (c) => c.notNull())
        .addColumn('recipient_band', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('at', ms, (c) => c.notNull())
        // Reprocessing an item after a crash inserts nothing twice.
        .addUniqueConstraint('contacts_item_recipient', ['item_id', 'recipient_id'])
        .execute();
      await db.schema.createIndex('contacts_author_at').on('contacts').columns(['author_id', 'at']).execute();
      await db.schema.createIndex('contacts_recipient_at').on('contacts').columns(['recipient_id', 'at']).execute();
    },
    async down(): Promise<void> {
      throw new Error('the 004-conversations migration cannot be undone');
    },
  };
}
