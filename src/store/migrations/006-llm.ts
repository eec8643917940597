import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/** LLM classification: answer cache and daily spend. */
export function llmMigration(_dialect: Dialect) {
  return {
    async up(_db: Kysely<unknown>): Promise<void> {},
    async down(): Promise<void> {
      throw new Error('the 006-llm migration cannot be undone');
    },
  };
}
