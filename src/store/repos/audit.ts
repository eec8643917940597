import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { canonicalJson, fromJson, isPostgres, type Queryable, toJson } from '../db.js';

export interface AuditEntry {
  actor: string;
  action: string;
  targetType: string;
  targetId: string | null;
  details: Record<string, unknown>;
}

export interface AuditRecord extends AuditEntry {
  seq: number;
  at: number;
  prevHash: string;
  hash: string;
}

const GENESIS = '0'.repeat(64);

/** The hash of one audit row covers its content and the previous row's hash, so no row can change unseen. */
export function auditHash(prevHash: string, at: number, e: AuditEntry): string {
  return createHash('sha256')
    .update(canonicalJson([prevHash, at, e.actor, e.action, e.targetType, e.targetId, e.details]))
    .digest('hex');
}

/** Appends to the chain. Call inside a transaction: the read of the last hash and the insert must not interleave. */
export async function appendAudit(q: Queryable, e: AuditEntry, now: number): Promise<AuditRecord> {
  // One writer at a time on Postgres (SQLite transactions already hold the write lock), so the chain never forks.
  if (isPostgres(q)) await sql`SELECT pg_advisory_xact_lock(7311001)`.execute(q);
  const last = await q.selectFrom('audit_log').select(['hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const prevHash = last?.hash ?? GENESIS;
  const hash = auditHash(prevHash, now, e);
  const row = await q
    .insertInto('audit_log')
    .values({
      at: now, actor: e.actor, action: e.action, target_type: e.targetType, target_id: e.targetId,
      details: toJson(e.details), prev_hash: prevHash, hash,
    })
    .returning('seq')
    .executeTakeFirstOrThrow();
  // The head pointer lets verification notice rows deleted from the end of the chain.
  await q
    .insertInto('settings')
    .values({ key: 'audit_head', value: String(row.seq) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(row.seq) }))
    .execute();
  return { ...e, seq: Number(row.seq), at: now, prevHash, hash };
}

export interface AuditVerification {
  ok: boolean;
  rows: number;
  problems: { seq: number; problem: string }[];
}

/** Walks the whole chain: an edited row breaks its own hash, a deleted row breaks the next row's link or the sequence. */
export async function verifyAudit(q: Queryable): Promise<AuditVerification> {
  const problems: { seq: number; problem: string }[] = [];
  let prevHash = GENESIS;
  let prevSeq = 0;
  let rows = 0;
  let after = 0;
  for (;;) {
    const page = await q.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(1000).execute();
    if (page.length === 0) break;
    for (const r of page) {
      rows++;
      const seq = Number(r.seq);
      if (seq !== prevSeq + 1) problems.push({ seq, problem: `rows ${prevSeq + 1}..${seq - 1} are missing` });
      if (r.prev_hash !== prevHash) problems.push({ seq, problem: 'does not link to the previous row' });
      const expected = auditHash(r.prev_hash, r.at, {
        actor: r.actor, action: r.action, targetType: r.target_type, targetId: r.target_id, details: fromJson(r.details),
      });
      if (expected !== r.hash) problems.push({ seq, problem: 'content does not match its hash (edited)' });
      prevHash = r.hash;
      prevSeq = seq;
      after = seq;
    }
  }
  const head = await q.selectFrom('settings').select('value').where('key', '=', 'audit_head').executeTakeFirst();
  if (head && Number(head.value) > prevSeq) problems.push({ seq: Number(head.value), problem: `rows after ${prevSeq} were deleted` });
  return { ok: problems.length === 0, rows, problems };
}
