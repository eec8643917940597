import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/** Analytics: the read-only views analysts query, and the tables spike alerts and network scores are kept in. */
export function analyticsMigration(_dialect: Dialect) {
  return {
    async up(_db: Kysely<unknown>): Promise<void> {
      // Filled in by the analytics work (issue 9).
    },
    async down(): Promise<void> {
      throw new Error('the 014-analytics migration cannot be undone');
    },
  };
}
