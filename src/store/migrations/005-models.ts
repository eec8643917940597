import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/** Versioned local text models. */
export function modelsMigration(_dialect: Dialect) {
  return {
    async up(_db: Kysely<unknown>): Promise<void> {},
    async down(): Promise<void> {
      throw new Error('the 005-models migration cannot be undone');
    },
  };
}
