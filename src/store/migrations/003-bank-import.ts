import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/**
 * Bank import at scale. `bank_entries_hash (hash_type, hash)` answered no query: entries are looked up per bank
 * through the unique (bank_id, hash_type, hash) index, and the matchers load every active entry with a full scan.
 * Each insert still paid for it at a random place in a large index, which made a million-row import slow.
 */
export function bankImportMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('bank_entries_hash').ifExists().execute();
    },
    async down(): Promise<void> {
      throw new Error('the 003-bank-import migration cannot be undone');
    },
  };
}
