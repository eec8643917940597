import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/** Appeals and the reversals they cause. */
export function appealsMigration(_dialect: Dialect) {
  return {
    async up(_db: Kysely<unknown>): Promise<void> {},
    async down(): Promise<void> {
      throw new Error('the 010-appeals migration cannot be undone');
    },
  };
}
