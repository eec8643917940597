import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/** LLM classification: answer cache and daily spend. */
export function llmMigration(dialect: Dialect) {
  const json = dialect === 'postgres' ? 'jsonb' : 'text';
  // Summed spend needs a double: Postgres `real` is single precision (SQLite's `real` already is 8 bytes).
  const usd = dialect === 'postgres' ? 'double precision' : 'real';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('llm_cache')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('verdict', json, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('hits', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('llm_cache_created_at').on('llm_cache').column('created_at').execute();
      await db.schema
        .createTable('llm_spend')
        .addColumn('day', 'text', (c) => c.primaryKey())
        .addColumn('usd', usd, (c) => c.notNull())
        .addColumn('calls', 'integer', (c) => c.notNull())
        .execute();
    },
    async down(): Promise<void> {
      throw new Error('the 006-llm migration cannot be undone');
    },
  };
}
