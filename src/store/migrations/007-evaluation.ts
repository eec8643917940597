import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/** Evaluation sets, runs and per-item results. */
export function evaluationMigration(_dialect: Dialect) {
  return {
    async up(_db: Kysely<unknown>): Promise<void> {},
    async down(): Promise<void> {
      throw new Error('the 007-evaluation migration cannot be undone');
    },
  };
}
