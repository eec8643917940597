import type { Selectable } from 'kysely';
import type { AnswerKey, CalibrationAnswer, CalibrationLabel } from '../../review/calibration.js';
import { fromJson, isPostgres, type Queryable, toJson } from '../db.js';
import type { CalibrationSessionsTable } from '../schema.js';

export type CalibrationStatus = 'open' | 'closed';

export interface CalibrationSession {
  id: string;
  name: string;
  itemIds: string[];
  answerKey: AnswerKey | null;
  status: CalibrationStatus;
  createdBy: string;
  createdAt: number;
  closedAt: number | null;
}

export interface StoredCalibrationAnswer extends CalibrationAnswer {
  createdAt: number;
}

function toSession(r: Selectable<CalibrationSessionsTable>): CalibrationSession {
  return {
    id: r.id, name: r.name, itemIds: fromJson<string[]>(r.item_ids), answerKey: r.answer_key === null ? null : fromJson<AnswerKey>(r.answer_key),
    status: r.status as CalibrationStatus, createdBy: r.created_by, createdAt: Number(r.created_at),
    closedAt: r.closed_at === null ? null : Number(r.closed_at),
  };
}

export async function insertCalibrationSession(q: Queryable, s: CalibrationSession): Promise<void> {
  await q
    .insertInto('calibration_sessions')
    .values({
      id: s.id, name: s.name, item_ids: toJson(s.itemIds), answer_key: s.answerKey === null ? null : toJson(s.answerKey),
      status: s.status, created_by: s.createdBy, created_at: s.createdAt, closed_at: s.closedAt,
    })
    .execute();
}

/**
 * One session. With `lock` (inside a transaction) the row is share-locked on Postgres, so a close cannot commit
 * between reading "open" and writing an answer; SQLite transactions already hold the write lock.
 */
export async function getCalibrationSession(q: Queryable, id: string, opts: { lock?: boolean } = {}): Promise<CalibrationSession | null> {
  let query = q.selectFrom('calibration_sessions').selectAll().where('id', '=', id);
  if (opts.lock && isPostgres(q)) query = query.forShare();
  const r = await query.executeTakeFirst();
  return r ? toSession(r) : null;
}

/** Sessions newest first, a page at a time (`before`: an id from the previous page). */
export async function listCalibrationSessions(
  q: Queryable,
  opts: { status?: CalibrationStatus | undefined; limit: number; before?: string | undefined },
): Promise<CalibrationSession[]> {
  let query = q.selectFrom('calibration_sessions').selectAll().orderBy('id', 'desc').limit(opts.limit);
  if (opts.status) query = query.where('status', '=', opts.status);
  if (opts.before) query = query.where('id', '<', opts.before);
  return (await query.execute()).map(toSession);
}

export type SubmitOutcome = 'saved' | 'not_found' | 'closed' | 'item_not_in_session';

/**
 * Records a reviewer's answer on one item of an open session, replacing their earlier answer on it. Call inside a
 * transaction: the session is read locked so the answer cannot land after a close.
 */
export async function submitCalibrationAnswer(
  q: Queryable,
  a: { sessionId: string; itemId: string; reviewer: string; label: CalibrationLabel },
  now: number,
): Promise<SubmitOutcome> {
  const session = await getCalibrationSession(q, a.sessionId, { lock: true });
  if (!session) return 'not_found';
  if (session.status !== 'open') return 'closed';
  if (!session.itemIds.includes(a.itemId)) return 'item_not_in_session';
  await q
    .insertInto('calibration_answers')
    .values({ session_id: a.sessionId, item_id: a.itemId, reviewer: a.reviewer, verdict: a.label.verdict, category: a.label.category, created_at: now })
    .onConflict((oc) => oc.columns(['session_id', 'item_id', 'reviewer']).doUpdateSet({ verdict: a.label.verdict, category: a.label.category, created_at: now }))
    .execute();
  return 'saved';
}

/** A session's answers, all of them or (with `reviewer`) one reviewer's, in item then reviewer order. */
export async function calibrationAnswers(q: Queryable, sessionId: string, reviewer?: string): Promise<StoredCalibrationAnswer[]> {
  let query = q.selectFrom('calibration_answers').selectAll().where('session_id', '=', sessionId).orderBy('item_id').orderBy('reviewer');
  if (reviewer !== undefined) query = query.where('reviewer', '=', reviewer);
  const rows = await query.execute();
  return rows.map((r) => ({
    itemId: r.item_id, reviewer: r.reviewer, verdict: r.verdict as CalibrationAnswer['verdict'], category: r.category, createdAt: Number(r.created_at),
  }));
}

/** How many distinct reviewers have answered in each session. */
export async function calibrationParticipants(q: Queryable, sessionIds: readonly string[]): Promise<Map<string, number>> {
  if (sessionIds.length === 0) return new Map();
  const rows = await q
    .selectFrom('calibration_answers')
    .select(['session_id'])
    .select((eb) => eb.fn.count<number>('reviewer').distinct().as('n'))
    .where('session_id', 'in', [...sessionIds])
    .groupBy('session_id')
    .execute();
  return new Map(rows.map((r) => [r.session_id, Number(r.n)]));
}

/** Replaces the answer key; false when the session does not exist. */
export async function setCalibrationAnswerKey(q: Queryable, id: string, key: AnswerKey): Promise<boolean> {
  const r = await q.updateTable('calibration_sessions').set({ answer_key: toJson(key) }).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Closes an open session; false when it was not open (absent or closed already). */
export async function closeCalibrationSession(q: Queryable, id: string, now: number): Promise<boolean> {
  const r = await q
    .updateTable('calibration_sessions')
    .set({ status: 'closed', closed_at: now })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
