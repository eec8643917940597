import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/** Conversation risk state and contact edges for behaviour signals. */
export function conversationsMigration(_dialect: Dialect) {
  return {
    async up(_db: Kysely<unknown>): Promise<void> {},
    async down(): Promise<void> {
      throw new Error('the 004-conversations migration cannot be undone');
    },
  };
}
