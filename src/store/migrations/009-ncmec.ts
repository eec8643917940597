import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/** CyberTipline report jobs, their files and every exchange with NCMEC. */
export function ncmecMigration(_dialect: Dialect) {
  return {
    async up(_db: Kysely<unknown>): Promise<void> {},
    async down(): Promise<void> {
      throw new Error('the 009-ncmec migration cannot be undone');
    },
  };
}
