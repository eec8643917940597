import { type Kysely, sql } from 'kysely';
import { priorityOf } from '../../review/priority.js';
import type { Dialect } from '../db.js';

/** SQLite sorts NULL first; claims sort a task without an SLA after every task with one, through this stand-in. */
export const NO_SLA_SORT_KEY = Number.MAX_SAFE_INTEGER;

/**
 * Claiming review work. Tasks gain a priority (null until scored), the ongoing-harm flag it is computed from, a lease
 * (claimed_by, claimed_at, lease_until) and decided_at. Status stays 'open' while a task is claimed, so the
 * partial index below holds only claimable tasks: the next one is its first entry for the queue, however many
 * tasks are under lease. Postgres sorts NULL last ascending already; SQLite gets the same order via an expression.
 */
export function reviewClaimsMigration(dialect: Dialect) {
  const ms = 'bigint';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('review_tasks').addColumn('priority', 'integer').execute();
      await db.schema.alterTable('review_tasks').addColumn('ongoing_harm', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('review_tasks').addColumn('claimed_by', 'text').execute();
      await db.schema.alterTable('review_tasks').addColumn('claimed_at', ms).execute();
      await db.schema.alterTable('review_tasks').addColumn('lease_until', ms).execute();
      await db.schema.alterTable('review_tasks').addColumn('decided_at', ms).execute();

      const due = dialect === 'postgres' ? 'sla_due_at' : `coalesce(sla_due_at, ${NO_SLA_SORT_KEY})`;
      await sql.raw(
        `CREATE INDEX review_tasks_claimable ON review_tasks (queue, priority DESC, ${due}, id) WHERE status = 'open' AND claimed_by IS NULL`,
      ).execute(db);
      await sql.raw('CREATE INDEX review_tasks_leases ON review_tasks (lease_until) WHERE claimed_by IS NOT NULL').execute(db);
      // Holds only tasks a creation path left unscored, so claims find them without touching the backlog.
      await sql.raw('CREATE INDEX review_tasks_unscored ON review_tasks (queue) WHERE priority IS NULL').execute(db);

      await scoreExistingTasks(db, Date.now());
    },
    async down(): Promise<void> {
      throw new Error('the 011-review-claims migration cannot be undone');
    },
  };
}

/** Every existing task, closed ones too, so the unscored index starts empty. */
async function scoreExistingTasks(db: Kysely<unknown>, now: number): Promise<void> {
  const rows = await sql<{ id: string; severity: string; sla_due_at: number | string | null; created_at: number | string }>`
    SELECT id, severity, sla_due_at, created_at FROM review_tasks`.execute(db);
  for (const r of rows.rows) {
    const priority = priorityOf(
      { severity: r.severity, ongoingHarm: false, slaDueAt: r.sla_due_at === null ? null : Number(r.sla_due_at), createdAt: Number(r.created_at) },
      now,
    );
    await sql`UPDATE review_tasks SET priority = ${priority} WHERE id = ${r.id}`.execute(db);
  }
}
