import type { Selectable } from 'kysely';
import { fromJson, isPostgres, type Queryable, toJson } from '../db.js';
import { newId } from '../ids.js';
import type { ReportExchangesTable, ReportFilesTable, ReportJobsTable } from '../schema.js';

// CyberTipline report jobs (see enforcement/ncmec). Statuses in lifecycle order:
export const REPORT_STATUSES = ['draft', 'approved', 'submitted', 'files_uploaded', 'details_sent', 'finished', 'retracted', 'failed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];
/** Not yet submitted: a new report for the same user is added to the job instead of opening another. */
export const OPEN_STATUSES: readonly ReportStatus[] = ['draft', 'approved'];
/** Approved and on its way: the client has steps left to take. */
export const ACTIVE_STATUSES: readonly ReportStatus[] = ['approved', 'submitted', 'files_uploaded', 'details_sent'];
export const FINAL_STATUSES: readonly ReportStatus[] = ['finished', 'retracted', 'failed'];

export type ReportJobRow = Selectable<ReportJobsTable>;
export type ReportFileRow = Selectable<ReportFilesTable>;
export type ReportExchangeRow = Selectable<ReportExchangesTable>;

export interface NewJobFile {
  mediaId: string;
  itemId: string;
  name: string;
  mime: string;
  bytes: number;
  md5: string;
  sha256: string;
  stored: boolean;
  classification: string | null;
  annotations: string[];
  publiclyAvailable: boolean;
}

export async function findOpenJob(q: Queryable, accountId: string): Promise<ReportJobRow | undefined> {
  let query = q
    .selectFrom('report_jobs')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('status', 'in', [...OPEN_STATUSES])
    .where('retract_requested', '=', 0)
    // A job with a request out to NCMEC (or being resubmitted after a crash) is not open to new items.
    .where('inflight_step', 'is', null)
    .orderBy('created_at')
    .limit(1);
  if (isPostgres(q)) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function insertJob(q: Queryable, accountId: string | null, now: number): Promise<string> {
  const id = newId();
  await q.insertInto('report_jobs').values({ id, account_id: accountId, status: 'draft', created_at: now, updated_at: now }).execute();
  return id;
}

/** Adds an item and its files to a job; returns false when the item was already in it. */
export async function addJobItem(
  q: Queryable,
  jobId: string,
  item: { itemId: string; decisionId: string; actionId: string; category: string | null },
  files: readonly NewJobFile[],
  now: number,
): Promise<boolean> {
  const r = await q
    .insertInto('report_job_items')
    .values({ job_id: jobId, item_id: item.itemId, decision_id: item.decisionId, action_id: item.actionId, category: item.category, added_at: now })
    .onConflict((oc) => oc.columns(['job_id', 'item_id']).doNothing())
    .executeTakeFirst();
  if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) return false;
  for (const f of files) {
    await q
      .insertInto('report_files')
      .values({
        id: newId(), job_id: jobId, media_id: f.mediaId, item_id: f.itemId, name: f.name, mime: f.mime, bytes: f.bytes, md5: f.md5,
        sha256: f.sha256, stored: f.stored ? 1 : 0, classification: f.classification, annotations: toJson(f.annotations),
        publicly_available: f.publiclyAvailable ? 1 : 0, added_at: now,
      })
      .onConflict((oc) => oc.columns(['job_id', 'media_id']).doNothing())
      .execute();
  }
  return true;
}

export async function getJob(q: Queryable, id: string): Promise<ReportJobRow | undefined> {
  return q.selectFrom('report_jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listJobs(q: Queryable, opts: { status?: string; limit: number }) {
  let query = q
    .selectFrom('report_jobs as j')
    .leftJoin('accounts as a', 'a.id', 'j.account_id')
    .selectAll('j')
    .select('a.external_id as account_external_id')
    .orderBy('j.created_at', 'desc')
    .orderBy('j.id', 'desc')
    .limit(opts.limit);
  if (opts.status) query = query.where('j.status', '=', opts.status);
  return query.execute();
}

export async function jobItems(q: Queryable, jobId: string) {
  return q
    .selectFrom('report_job_items as ji')
    .innerJoin('items as i', 'i.id', 'ji.item_id')
    .innerJoin('decisions as d', 'd.id', 'ji.decision_id')
    .select([
      'ji.item_id', 'ji.decision_id', 'ji.action_id', 'ji.category', 'ji.added_at', 'i.external_id', 'i.surface', 'i.created_at',
      'i.metadata', 'd.policy_version', 'd.taxonomy_version', 'd.verdict',
    ])
    .where('ji.job_id', '=', jobId)
    .orderBy('i.created_at')
    .execute();
}

export async function jobFiles(q: Queryable, jobId: string): Promise<ReportFileRow[]> {
  return q.selectFrom('report_files').selectAll().where('job_id', '=', jobId).orderBy('added_at').orderBy('id').execute();
}

export async function jobExchanges(q: Queryable, jobId: string): Promise<ReportExchangeRow[]> {
  return q.selectFrom('report_exchanges').selectAll().where('job_id', '=', jobId).orderBy('at').orderBy('id').execute();
}

export async function jobsForItem(q: Queryable, itemId: string) {
  return q
    .selectFrom('report_job_items as ji')
    .innerJoin('report_jobs as j', 'j.id', 'ji.job_id')
    .select(['j.id', 'j.status', 'j.ncmec_report_id'])
    .where('ji.item_id', '=', itemId)
    .orderBy('j.created_at')
    .execute();
}

/**
 * Media a person opened, from the media_viewed records the media route appends. API keys are not people: only
 * views by a signed-in user count.
 */
export async function viewedMediaIds(q: Queryable, itemIds: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  if (itemIds.length === 0) return out;
  const rows = await q
    .selectFrom('events')
    .select(['payload', 'actor'])
    .where('type', '=', 'media_viewed')
    .where('item_id', 'in', [...itemIds])
    .where('actor', 'like', 'user:%')
    .execute();
  for (const r of rows) {
    const mediaId = fromJson<{ mediaId?: unknown }>(r.payload).mediaId;
    if (typeof mediaId === 'string') out.add(mediaId);
  }
  return out;
}

export async function updateJob(q: Queryable, id: string, patch: Partial<Omit<ReportJobRow, 'id'>>, now: number): Promise<void> {
  await q.updateTable('report_jobs').set({ ...patch, updated_at: now }).where('id', '=', id).execute();
}

export async function updateFile(q: Queryable, id: string, patch: Partial<Pick<ReportFileRow, 'classification' | 'ncmec_file_id' | 'ncmec_md5' | 'details_sent_at'>>): Promise<void> {
  await q.updateTable('report_files').set(patch).where('id', '=', id).execute();
}

/** Forgets what NCMEC acknowledged of a job's files (its report was retracted and is submitted afresh). */
export async function resetJobFiles(q: Queryable, jobId: string): Promise<void> {
  await q.updateTable('report_files').set({ ncmec_file_id: null, ncmec_md5: null, details_sent_at: null }).where('job_id', '=', jobId).execute();
}

export async function recordExchange(
  q: Queryable,
  e: { jobId: string; step: string; fileId: string | null; request: string; httpStatus: number | null; response: string | null; responseCode: number | null; outcome: string },
  now: number,
): Promise<void> {
  await q
    .insertInto('report_exchanges')
    .values({
      id: newId(), job_id: e.jobId, step: e.step, file_id: e.fileId, request: e.request, http_status: e.httpStatus, response: e.response,
      response_code: e.responseCode, outcome: e.outcome, at: now,
    })
    .execute();
}

/** One job with steps left that is due and not held by a live lease; leased to `owner`. */
export async function claimDueJob(q: Queryable, opts: { owner: string; leaseMs: number; now: number }): Promise<ReportJobRow | null> {
  const { owner, leaseMs, now } = opts;
  let candidates = q
    .selectFrom('report_jobs')
    .select('id')
    .where((eb) => eb.or([
      eb('status', 'in', [...ACTIVE_STATUSES]),
      eb.and([eb('retract_requested', '=', 1), eb('status', 'not in', [...FINAL_STATUSES])]),
    ]))
    .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)]))
    .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', now)]))
    .orderBy('updated_at')
    .limit(1);
  if (isPostgres(q)) candidates = candidates.forUpdate().skipLocked();
  const row = await candidates.executeTakeFirst();
  if (!row) return null;
  await q.updateTable('report_jobs').set({ lease_owner: owner, lease_expires_at: now + leaseMs }).where('id', '=', row.id).execute();
  return (await getJob(q, row.id)) ?? null;
}

export function fileAnnotations(f: ReportFileRow): string[] {
  return fromJson<string[]>(f.annotations);
}
