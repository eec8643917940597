import { z } from 'zod';
import type { Haven } from '../../app.js';
import { principalLabel } from '../../auth/service.js';
import { approveJob, classifyFile, type LoadedReport, loadReport, ReportRefused, retractJob } from '../../enforcement/ncmec/jobs.js';
import { INDUSTRY_CLASSIFICATIONS } from '../../enforcement/ncmec/incident.js';
import { jobExchanges, listJobs, REPORT_STATUSES } from '../../store/repos/reports.js';
import { HttpError } from '../errors.js';
import type { RouteTable } from '../route.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const idParams = z.strictObject({ id: z.string().min(1).max(64) });

/** A job as the API shows it: what the report will say, its files, and every exchange with NCMEC. */
export function presentReport(r: LoadedReport, exchanges: Awaited<ReturnType<typeof jobExchanges>> | null) {
  const j = r.job;
  return {
    id: j.id, status: j.status, ncmecReportId: j.ncmec_report_id, reportedAccount: r.accountExternalId,
    retractRequested: j.retract_requested === 1, retractReason: j.retract_reason,
    approvedBy: j.approved_by, approvedAt: iso(j.approved_at), approvalNote: j.approval_note,
    attempts: j.attempts, nextAttemptAt: iso(j.next_attempt_at), lastError: j.last_error,
    createdAt: iso(j.created_at), updatedAt: iso(j.updated_at),
    incidentType: r.content.incidentType, annotations: r.content.annotations, incidentAt: iso(r.content.incidentAt),
    reporter: r.content.reporter, reportedUser: r.content.reportedUser, places: r.content.places,
    missingFields: r.missing, reviewed: r.reviewed,
    items: r.items.map((i) => ({
      itemId: i.item_id, externalId: i.external_id, surface: i.surface, category: i.category, decisionId: i.decision_id,
      policyVersion: i.policy_version, taxonomyVersion: i.taxonomy_version, createdAt: iso(i.created_at),
    })),
    files: [...r.content.files, ...r.content.unretainedFiles].map((f) => {
      const row = r.files.find((x) => x.id === f.id);
      return {
        id: f.id, mediaId: f.mediaId, itemId: f.itemId, name: f.name, mime: f.mime, md5: f.md5, sha256: f.sha256, retained: f.retained,
        classification: f.classification, annotations: f.annotations, viewedByPlatform: f.viewedByPlatform, publiclyAvailable: f.publiclyAvailable,
        ncmecFileId: row?.ncmec_file_id ?? null, ncmecMd5: row?.ncmec_md5 ?? null, detailsSentAt: iso(row?.details_sent_at ?? null),
      };
    }),
    ...(exchanges
      ? {
          exchanges: exchanges.map((e) => ({
            id: e.id, step: e.step, fileId: e.file_id, at: iso(e.at), outcome: e.outcome, httpStatus: e.http_status,
            responseCode: e.response_code, request: e.request, response: e.response,
          })),
        }
      : {}),
  };
}

function refusal(e: unknown): never {
  if (e instanceof ReportRefused) {
    const issues = Array.isArray(e.details.missing) ? (e.details.missing as string[]).map((m) => ({ path: m, message: 'required' })) : undefined;
    throw new HttpError(e.status, e.code, e.message, issues);
  }
  throw e;
}

/** CyberTipline report jobs: read by legal and investigators, approved, classified and retracted by legal only. */
export function reportRoutes(routes: RouteTable, haven: Haven): void {
  const actorOf = (p: Parameters<typeof principalLabel>[0] | null) => (p ? principalLabel(p) : 'unknown');
  const load = async (id: string) => {
    const r = await loadReport(haven.store.db, id, haven.config.ncmec);
    if (!r) throw new HttpError(404, 'not_found', `report job ${id} not found`);
    return r;
  };
  const show = async (id: string) => presentReport(await load(id), await jobExchanges(haven.store.db, id));

  routes.add({
    method: 'GET', url: '/v1/reports', tag: 'reports', access: 'reports:read', summary: 'CyberTipline report jobs, newest first',
    query: z.strictObject({ status: z.enum(REPORT_STATUSES).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
    async handler({ query }) {
      const rows = await listJobs(haven.store.db, query);
      return {
        reports: rows.map((j) => ({
          id: j.id, status: j.status, ncmecReportId: j.ncmec_report_id, reportedAccount: j.account_external_id, lastError: j.last_error,
          retractRequested: j.retract_requested === 1, createdAt: iso(j.created_at), updatedAt: iso(j.updated_at),
        })),
      };
    },
  });

  routes.add({
    method: 'GET', url: '/v1/reports/:id', tag: 'reports', access: 'reports:read', params: idParams,
    summary: 'A report job: its content, items, files (hashes, classification, viewed by the platform), steps and NCMEC responses',
    async handler({ params }) {
      return show(params.id);
    },
  });

  routes.add({
    method: 'POST', url: '/v1/reports/:id/approve', tag: 'reports', access: 'reports:approve', params: idParams,
    body: z.strictObject({ note: z.string().trim().min(1, 'say why the report is approved').max(2000) }),
    summary: 'Approve a draft report for submission (refused with the missing fields, or until enough files were viewed). Audited.',
    async handler({ params, body, principal }) {
      await approveJob(haven.store, params.id, { actor: actorOf(principal), note: body.note, ncmec: haven.config.ncmec, now: haven.clock.now() }).catch(refusal);
      return show(params.id);
    },
  });

  routes.add({
    method: 'POST', url: '/v1/reports/:id/retract', tag: 'reports', access: 'reports:approve', params: idParams,
    body: z.strictObject({ reason: z.string().trim().min(1, 'say why the report is retracted').max(2000) }),
    summary: 'Retract a report not yet finished (a submitted one is retracted at NCMEC by the client). Audited.',
    async handler({ params, body, principal }) {
      await retractJob(haven.store, params.id, { actor: actorOf(principal), reason: body.reason, now: haven.clock.now() }).catch(refusal);
      return show(params.id);
    },
  });

  routes.add({
    method: 'PATCH', url: '/v1/reports/:id/files/:fileId', tag: 'reports', access: 'reports:approve',
    params: z.strictObject({ id: z.string().min(1).max(64), fileId: z.string().min(1).max(64) }),
    body: z.strictObject({ classification: z.enum(INDUSTRY_CLASSIFICATIONS) }),
    summary: "Set a file's industry classification (A1, A2, B1, B2) before approval. Audited.",
    async handler({ params, body, principal }) {
      await classifyFile(haven.store, params.id, params.fileId, body.classification, { actor: actorOf(principal), now: haven.clock.now() }).catch(refusal);
      return show(params.id);
    },
  });
}
