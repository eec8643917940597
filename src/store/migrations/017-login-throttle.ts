import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/** Failed logins, counted per email and per address over a window to slow password guessing. */
export function loginThrottleMigration(_dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('login_failures')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('login_failures_email').on('login_failures').columns(['email', 'at']).execute();
      await db.schema.createIndex('login_failures_address').on('login_failures').columns(['address', 'at']).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('login_failures').execute();
    },
  };
}
