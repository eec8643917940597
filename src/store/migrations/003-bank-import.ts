import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/** Bank import at scale (filled in by the bank-import work). */
export function bankImportMigration(_dialect: Dialect) {
  return {
    async up(_db: Kysely<unknown>): Promise<void> {},
    async down(): Promise<void> {
      throw new Error('the 003-bank-import migration cannot be undone');
    },
  };
}
