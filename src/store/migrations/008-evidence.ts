import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/** Evidence vault: preservation and legal holds over sealed media and metadata. */
export function evidenceMigration(_dialect: Dialect) {
  return {
    async up(_db: Kysely<unknown>): Promise<void> {},
    async down(): Promise<void> {
      throw new Error('the 008-evidence migration cannot be undone');
    },
  };
}
