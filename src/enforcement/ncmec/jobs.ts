import type { NcmecConfig } from '../../config.js';
import type { Action, Decision, Item, Signal } from '../../core/types.js';
import type { Queryable, Store } from '../../store/db.js';
import { fromJson } from '../../store/db.js';
import { appendAudit } from '../../store/repos/audit.js';
import { appendEvents } from '../../store/repos/events.js';
import {
  addJobItem, fileAnnotations, findOpenJob, getJob, insertJob, jobFiles, jobItems, type NewJobFile, type ReportFileRow,
  type ReportJobRow, updateFile, updateJob, viewedMediaIds,
} from '../../store/repos/reports.js';
import { buildReportContent, missingFields, type ReportContent, reviewedShare } from './content.js';
import { incidentOf, isIndustryClassification, isPublicSurface } from './incident.js';

/** A request about a report job that is refused; `status` is the HTTP status an API answers with. */
export class ReportRefused extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
  }
}

export interface CommittedEvaluation {
  item: Item;
  result: { decision: Decision; actions: readonly Action[]; signals: readonly Signal[] };
}

/**
 * Called in the pipeline's commit transaction: each committed 'report' action opens a draft job for the item's
 * author, or joins the author's open (not yet submitted) job. Joining an approved job sends it back to draft, since
 * legal approved different content.
 */
export async function openReportJobs(q: Queryable, committed: readonly CommittedEvaluation[], now: number): Promise<void> {
  for (const { item, result } of committed) {
    const action = result.actions.find((a) => a.type === 'report');
    if (!action) continue;
    const { decision } = result;
    let job = item.authorId ? await findOpenJob(q, item.authorId) : undefined;
    const created = !job;
    const jobId = job?.id ?? (await insertJob(q, item.authorId, now));
    const added = await addJobItem(q, jobId, { itemId: item.id, decisionId: decision.id, actionId: action.id, category: decision.category }, filesOf(item, decision, result.signals), now);
    if (!added) continue;
    if (job?.status === 'approved') {
      await updateJob(q, jobId, { status: 'draft', approved_by: null, approved_at: null, approval_note: null }, now);
      job = { ...job, status: 'draft' };
    }
    await appendEvents(q, [{
      type: 'report_drafted', itemId: item.id, accountId: item.authorId, actor: 'pipeline',
      versions: { policy: decision.policyVersion, taxonomy: decision.taxonomyVersion },
      payload: { jobId, created, decisionId: decision.id, category: decision.category },
    }], now);
  }
}

function filesOf(item: Item, decision: Decision, signals: readonly Signal[]): NewJobFile[] {
  const annotations = incidentOf(decision.category).fileAnnotations;
  return item.media.map((m) => {
    // The industry class comes from the bank entry the file matched, when it matched one.
    const classification = signals.map((s) => (s.evidence.mediaId === m.id ? s.evidence.classification : null)).find(isIndustryClassification) ?? null;
    const ext = m.mime.split('/')[1]?.replace(/[^a-z0-9]/g, '') || 'bin';
    return {
      mediaId: m.id, itemId: item.id, name: `${m.sha256.slice(0, 16)}.${ext}`, mime: m.mime, bytes: m.bytes, md5: m.md5, sha256: m.sha256,
      stored: m.stored, classification, annotations, publiclyAvailable: isPublicSurface(item.surface),
    };
  });
}

export interface LoadedReport {
  job: ReportJobRow;
  accountExternalId: string | null;
  items: Awaited<ReturnType<typeof jobItems>>;
  files: ReportFileRow[];
  content: ReportContent;
  missing: string[];
  reviewed: { viewed: number; total: number; share: number };
}

/** A job with its items and files, and the report content built from them as of now. */
export async function loadReport(q: Queryable, jobId: string, ncmec: NcmecConfig): Promise<LoadedReport | null> {
  const job = await getJob(q, jobId);
  if (!job) return null;
  const [items, files, account] = await Promise.all([
    jobItems(q, jobId),
    jobFiles(q, jobId),
    job.account_id ? q.selectFrom('accounts').select('external_id').where('id', '=', job.account_id).executeTakeFirst() : undefined,
  ]);
  const viewed = await viewedMediaIds(q, items.map((i) => i.item_id));
  const content = buildReportContent({
    account: account ? { externalId: account.external_id } : null,
    items: items.map((i) => ({ itemId: i.item_id, surface: i.surface, createdAt: i.created_at, category: i.category, metadata: fromJson(i.metadata) })),
    files: files.map((f) => ({
      id: f.id, mediaId: f.media_id, itemId: f.item_id, name: f.name, mime: f.mime, md5: f.md5, sha256: f.sha256, retained: f.stored === 1,
      classification: f.classification, annotations: fileAnnotations(f), publiclyAvailable: f.publicly_available === 1,
    })),
    viewedMediaIds: viewed,
    reporter: { platform: ncmec.platform, email: ncmec.reporterEmail },
  });
  return { job, accountExternalId: account?.external_id ?? null, items, files, content, missing: missingFields(content), reviewed: reviewedShare(content) };
}

async function loadOrRefuse(q: Queryable, jobId: string, ncmec: NcmecConfig): Promise<LoadedReport> {
  const r = await loadReport(q, jobId, ncmec);
  if (!r) throw new ReportRefused(404, 'not_found', `report job ${jobId} not found`);
  return r;
}

/**
 * Legal approval. Refused while required fields are missing (all of them named) or while fewer than the configured
 * share of the job's files have been opened by a person. Audited.
 */
export async function approveJob(store: Store, jobId: string, opts: { actor: string; note: string; ncmec: NcmecConfig; now: number }): Promise<LoadedReport> {
  return store.db.transaction().execute(async (trx) => {
    const r = await loadOrRefuse(trx, jobId, opts.ncmec);
    if (r.job.status !== 'draft' || r.job.retract_requested) {
      throw new ReportRefused(409, 'conflict', `report job ${jobId} is ${r.job.retract_requested ? 'being retracted' : r.job.status}; only a draft can be approved`);
    }
    if (r.missing.length) {
      throw new ReportRefused(422, 'missing_fields', `the report cannot be approved: missing ${r.missing.join(', ')}`, { missing: r.missing });
    }
    if (r.reviewed.share < opts.ncmec.minReviewed) {
      const unviewed = r.content.files.filter((f) => !f.viewedByPlatform).map((f) => f.id);
      throw new ReportRefused(
        422, 'not_reviewed',
        `a person has viewed ${r.reviewed.viewed} of ${r.reviewed.total} file(s); at least ${Math.round(opts.ncmec.minReviewed * 100)}% must be viewed before approval`,
        { ...r.reviewed, required: opts.ncmec.minReviewed, unviewedFileIds: unviewed },
      );
    }
    await updateJob(trx, jobId, { status: 'approved', approved_by: opts.actor, approved_at: opts.now, approval_note: opts.note, next_attempt_at: opts.now, attempts: 0, last_error: null }, opts.now);
    await appendAudit(trx, {
      actor: opts.actor, action: 'report.approve', targetType: 'report_job', targetId: jobId,
      details: { note: opts.note, items: r.items.map((i) => i.item_id), files: r.files.length, viewed: r.reviewed.viewed, incidentType: r.content.incidentType },
    }, opts.now);
    await appendEvents(trx, r.items.map((i) => ({
      type: 'report_approved' as const, itemId: i.item_id, accountId: r.job.account_id, actor: opts.actor, versions: {}, payload: { jobId },
    })), opts.now);
    return { ...r, job: { ...r.job, status: 'approved', approved_by: opts.actor, approved_at: opts.now, approval_note: opts.note } };
  });
}

/** A reviewer sets a file's industry classification while the job is still a draft. Audited. */
export async function classifyFile(
  store: Store, jobId: string, fileId: string, classification: string, opts: { actor: string; now: number },
): Promise<void> {
  if (!isIndustryClassification(classification)) throw new ReportRefused(400, 'invalid_request', `classification must be one of A1, A2, B1, B2 (got ${classification})`);
  await store.db.transaction().execute(async (trx) => {
    const job = await getJob(trx, jobId);
    if (!job) throw new ReportRefused(404, 'not_found', `report job ${jobId} not found`);
    if (job.status !== 'draft') throw new ReportRefused(409, 'conflict', `report job ${jobId} is ${job.status}; files can be classified only before approval`);
    const file = (await jobFiles(trx, jobId)).find((f) => f.id === fileId);
    if (!file) throw new ReportRefused(404, 'not_found', `file ${fileId} is not in report job ${jobId}`);
    await updateFile(trx, fileId, { classification });
    await updateJob(trx, jobId, {}, opts.now);
    await appendAudit(trx, {
      actor: opts.actor, action: 'report.classify_file', targetType: 'report_job', targetId: jobId,
      details: { fileId, from: file.classification, to: classification },
    }, opts.now);
  });
}

/**
 * Retraction: a job not yet submitted is retracted at once; a submitted, unfinished one is marked and the client
 * sends /retract. A finished report cannot be retracted. Audited.
 */
export async function retractJob(store: Store, jobId: string, opts: { actor: string; reason: string; now: number }): Promise<ReportJobRow> {
  return store.db.transaction().execute(async (trx) => {
    const job = await getJob(trx, jobId);
    if (!job) throw new ReportRefused(404, 'not_found', `report job ${jobId} not found`);
    if (job.status === 'finished' || job.status === 'retracted' || job.status === 'failed') {
      throw new ReportRefused(409, 'conflict', `report job ${jobId} is ${job.status} and cannot be retracted`);
    }
    // Not yet at NCMEC, and no request out that may be putting it there (the runner retracts that once it lands).
    const local = job.ncmec_report_id === null && job.inflight_step === null;
    const patch = local
      ? { status: 'retracted', retract_reason: opts.reason, retract_requested: 1 }
      : { retract_requested: 1, retract_reason: opts.reason, next_attempt_at: opts.now, attempts: 0 };
    await updateJob(trx, jobId, patch, opts.now);
    await appendAudit(trx, { actor: opts.actor, action: 'report.retract', targetType: 'report_job', targetId: jobId, details: { reason: opts.reason, submitted: !local } }, opts.now);
    return { ...job, ...patch };
  });
}
