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
  // The head pointer (seq and hash) lets verification notice rows deleted from, or rewritten at, the end of the chain.
  const head = `${row.seq}:${hash}`;
  await q
    .insertInto('settings')
    .values({ key: 'audit_head', value: head })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: head }))
    .execute();
  return { ...e, seq: Number(row.seq), at: now, prevHash, hash };
}

export interface AuditVerification {
  ok: boolean;
  rows: number;
  problems: { seq: number; problem: string }[];
}

/** A row's seq and hash recorded outside the database (`haven audit head`), so verification can prove rows up to it unchanged. */
export interface AuditAnchor {
  seq: number;
  hash: string;
}

/**
 * Walks the whole chain: an edited row breaks its own hash, a deleted row breaks the next row's link, a deleted or
 * rewritten tail no longer matches the head pointer. A gap in seq with an intact link is not a problem: Postgres
 * spends a sequence number on an append that rolled back. An anchor kept elsewhere also catches what someone with
 * write access to the database could otherwise hide: rows rewritten with their hashes recomputed, or the tail cut
 * together with the head pointer.
 */
export async function verifyAudit(q: Queryable, opts: { anchor?: AuditAnchor } = {}): Promise<AuditVerification> {
  const problems: { seq: number; problem: string }[] = [];
  let prevHash = GENESIS;
  let prevSeq = 0;
  let rows = 0;
  let after = 0;
  let anchorSeen = false;
  for (;;) {
    const page = await q.selectFrom('audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(1000).execute();
    if (page.length === 0) break;
    for (const r of page) {
      rows++;
      const seq = Number(r.seq);
      const linked = r.prev_hash === prevHash;
      if (seq !== prevSeq + 1 && !linked) problems.push({ seq, problem: `rows ${prevSeq + 1}..${seq - 1} are missing` });
      if (!linked) problems.push({ seq, problem: 'does not link to the previous row' });
      const expected = auditHash(r.prev_hash, r.at, {
        actor: r.actor, action: r.action, targetType: r.target_type, targetId: r.target_id, details: fromJson(r.details),
      });
      if (expected !== r.hash) problems.push({ seq, problem: 'content does not match its hash (edited)' });
      if (opts.anchor && seq === opts.anchor.seq) {
        anchorSeen = true;
        if (r.hash !== opts.anchor.hash) problems.push({ seq, problem: 'does not match the anchor recorded for it (rows up to here were rewritten)' });
      }
      prevHash = r.hash;
      prevSeq = seq;
      after = seq;
    }
  }
  const head = await q.selectFrom('settings').select('value').where('key', '=', 'audit_head').executeTakeFirst();
  const [headSeq, headHash] = head ? [Number(head.value.split(':')[0]), head.value.split(':')[1]] : [0, undefined];
  if (headSeq > prevSeq) problems.push({ seq: headSeq, problem: `rows after ${prevSeq} were deleted` });
  else if (!head && rows > 0) problems.push({ seq: prevSeq, problem: 'the head pointer is missing (rows may have been deleted from the end)' });
  else if (head && headSeq < prevSeq) problems.push({ seq: prevSeq, problem: `rows after ${headSeq} were added without moving the head pointer` });
  else if (headHash !== undefined && headSeq === prevSeq && headHash !== prevHash) {
    problems.push({ seq: prevSeq, problem: 'does not match the head pointer (the last row was rewritten)' });
  }
  if (opts.anchor && !anchorSeen) problems.push({ seq: opts.anchor.seq, problem: `the anchored row is gone (the chain has ${prevSeq ? `rows up to ${prevSeq}` : 'no rows'})` });
  return { ok: problems.length === 0, rows, problems };
}

/** The last row's seq and hash, to record outside the database as an anchor. */
export async function auditHead(q: Queryable): Promise<AuditAnchor | null> {
  const last = await q.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return last ? { seq: Number(last.seq), hash: last.hash } : null;
}
