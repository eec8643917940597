import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../db.js';

/**
 * Appeals and the reversals they cause. A decision may now carry more than one review task (its own review and
 * its appeal), so review tasks become unique per (decision, queue) instead of per decision.
 */
export function appealsMigration(dialect: Dialect) {
  const ms = 'bigint';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('appeals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('item_id', 'text', (c) => c.notNull())
        // One appeal per decision: filing again while it is open returns it; a resolved appeal is final.
        .addColumn('decision_id', 'text', (c) => c.notNull().unique())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('appellant', 'text')
        .addColumn('filed_by', 'text', (c) => c.notNull())
        .addColumn('filed_at', ms, (c) => c.notNull())
        .addColumn('resolved_by', 'text')
        .addColumn('resolved_at', ms)
        .addColumn('resolution_reason', 'text')
        .execute();
      await db.schema.createIndex('appeals_status').on('appeals').columns(['status', 'filed_at']).execute();
      await db.schema.createIndex('appeals_item').on('appeals').column('item_id').execute();

      if (dialect === 'postgres') {
        await sql`ALTER TABLE review_tasks DROP CONSTRAINT IF EXISTS review_tasks_decision_id_key`.execute(db);
      } else {
        await rebuildSqliteReviewTasksWithoutDecisionUnique(db);
      }
      await db.schema.createIndex('review_tasks_decision_queue').on('review_tasks').columns(['decision_id', 'queue']).unique().execute();
    },
    async down(): Promise<void> {
      throw new Error('the 010-appeals migration cannot be undone');
    },
  };
}

/**
 * SQLite cannot drop a column's inline UNIQUE, so the table is rebuilt from its own definition (keeping any
 * columns later migrations added) with that one constraint removed, and its indexes are recreated.
 */
async function rebuildSqliteReviewTasksWithoutDecisionUnique(db: Kysely<unknown>): Promise<void> {
  const table = await sql<{ sql: string }>`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'review_tasks'`.execute(db);
  const createSql = table.rows[0]?.sql;
  if (!createSql) throw new Error('review_tasks table not found');
  const withoutUnique = createSql.replace(/("decision_id"\s+text\s+not null)\s+unique/i, '$1');
  if (withoutUnique === createSql) throw new Error('review_tasks.decision_id has no inline UNIQUE to remove');
  const indexes = await sql<{ sql: string }>`SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'review_tasks' AND sql IS NOT NULL`.execute(db);
  await sql.raw(withoutUnique.replace(/^create table "review_tasks"/i, 'CREATE TABLE "review_tasks_rebuilt"')).execute(db);
  await sql`INSERT INTO review_tasks_rebuilt SELECT * FROM review_tasks`.execute(db);
  await sql`DROP TABLE review_tasks`.execute(db);
  await sql`ALTER TABLE review_tasks_rebuilt RENAME TO review_tasks`.execute(db);
  for (const ix of indexes.rows) await sql.raw(ix.sql).execute(db);
}
