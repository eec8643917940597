import type { Kysely } from 'kysely';
import type { Dialect } from '../db.js';

/**
 * Perceptual hashing: PDQ and vPDQ on media, bank curation (enabled flags, provenance, what a match does),
 * and entries that carry more than one hash (a vPDQ entry is a list of frame hashes).
 */
export function mediaHashingMigration(dialect: Dialect) {
  const json = dialect === 'postgres' ? 'jsonb' : 'text';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('media').addColumn('pdq', 'text').execute();
      await db.schema.alterTable('media').addColumn('pdq_quality', 'integer').execute();
      await db.schema.alterTable('media').addColumn('pdq_dihedral', json).execute();
      await db.schema.alterTable('media').addColumn('vpdq', json).execute();
      await db.schema.alterTable('media').addColumn('hash_error', 'text').execute();
      await db.schema.createIndex('media_pdq').on('media').column('pdq').execute();

      await db.schema.alterTable('banks').addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1)).execute();
      // What a match does: enforce (the policy decides as for any signal), review (at most a review task: for
      // shared industry leads), or shadow (recorded, no effect: for trying a new list).
      await db.schema.alterTable('banks').addColumn('match_mode', 'text', (c) => c.notNull().defaultTo('enforce')).execute();
      await db.schema.alterTable('banks').addColumn('updated_at', 'bigint').execute();

      await db.schema.alterTable('bank_entries').addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1)).execute();
      await db.schema.alterTable('bank_entries').addColumn('source', 'text').execute();
      await db.schema.alterTable('bank_entries').addColumn('provenance', 'text').execute();
      await db.schema.alterTable('bank_entries').addColumn('data', json).execute();
    },
    async down(): Promise<void> {
      throw new Error('the media hashing migration cannot be undone');
    },
  };
}
