import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../db.js';

/** Sessions remember when they were last used, so an idle one ends before its absolute expiry. */
export function sessionIdleMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('sessions').addColumn('last_seen_at', 'bigint').execute();
      await sql`UPDATE sessions SET last_seen_at = created_at`.execute(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('sessions').dropColumn('last_seen_at').execute();
    },
  };
}
