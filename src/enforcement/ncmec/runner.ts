import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { NcmecConfig } from '../../config.js';
import type { Clock } from '../../core/clock.js';
import type { Store, Tx } from '../../store/db.js';
import { newId } from '../../store/ids.js';
import { appendEvents } from '../../store/repos/events.js';
import { getBlob } from '../../store/repos/media-blobs.js';
import {
  claimDueJob, getJob, type ReportJobRow, recordExchange, resetJobFiles, updateFile, updateJob,
} from '../../store/repos/reports.js';
import { open, type KeyProvider } from '../media-vault.js';
import { ALREADY_FINISHED_CODE, ALREADY_RETRACTED_CODE, type CyberTiplineClient, type Exchange } from './client.js';
import { loadReport } from './jobs.js';
import { fileDetailsXml, reportXml } from './xml.js';

export interface RunnerOptions {
  client: CyberTiplineClient;
  keys: KeyProvider | null;
  ncmec: NcmecConfig;
  clock: Clock;
  logger: Logger;
  leaseMs: number;
  maxAttempts?: number;
  owner?: string;
}

class LeaseLost extends Error {}

/**
 * The resumable client: takes one approved job at a time under a lease and walks it through NCMEC's lifecycle,
 *   approved -> submitted -> files_uploaded -> details_sent -> finished   (or retracted | failed)
 * committing each acknowledged step, with the exact request and response, before starting the next. After a crash
 * the job resumes at its last committed step: a report with an NCMEC id is never submitted again, an uploaded file
 * (it has an NCMEC file id) is never uploaded again, and file details already acknowledged are not resent.
 *
 * A request whose answer was never recorded (the process died while it was out) is marked in flight beforehand, so
 * the runner that takes the job over knows its fate is unknown (see recover): /fileinfo is resent; /finish and
 * /retract are resent and NCMEC's "already finished / retracted" counts as done; an /upload that may have added a
 * file Haven has no id for retracts the open report and submits afresh, so a finished report never carries a file
 * twice. A /submit whose report id was lost may have opened a report at NCMEC that Haven cannot name: it is never
 * finished (NCMEC does not act on unfinished reports), and the interruption is recorded on the job.
 */
export class ReportRunner {
  readonly owner: string;
  private readonly maxAttempts: number;

  constructor(private readonly store: Store, private readonly opts: RunnerOptions) {
    this.owner = opts.owner ?? `${hostname()}:${process.pid}:reports:${newId().slice(-6)}`;
    this.maxAttempts = opts.maxAttempts ?? 10;
  }

  /** Advances at most one job as far as it will go now; returns 1 when a job was taken, 0 when none was due. */
  async runOnce(): Promise<number> {
    const now = this.opts.clock.now();
    const job = await this.store.db.transaction().execute((trx) => claimDueJob(trx, { owner: this.owner, leaseMs: this.opts.leaseMs, now }));
    if (!job) return 0;
    try {
      await this.advance(job.id);
    } catch (e) {
      if (!(e instanceof LeaseLost)) throw e;
      this.opts.logger.warn({ jobId: job.id }, 'report job lease lost; another runner owns it');
    } finally {
      await this.store.db.updateTable('report_jobs').set({ lease_owner: null, lease_expires_at: null })
        .where('id', '=', job.id).where('lease_owner', '=', this.owner).execute();
    }
    return 1;
  }

  private async advance(jobId: string): Promise<void> {
    for (;;) {
      const job = await getJob(this.store.db, jobId);
      if (!job) return;
      const more = await this.step(job);
      if (!more) return;
    }
  }

  /** Takes one step; false when the job is final or must wait (a retry later, or nothing to do). */
  private async step(job: ReportJobRow): Promise<boolean> {
    if (job.inflight_step) return this.recover(job);
    if (job.retract_requested) return this.retract(job);
    switch (job.status) {
      case 'approved': return this.submit(job);
      case 'submitted': return this.uploadNext(job);
      case 'files_uploaded': return this.sendNextDetails(job);
      case 'details_sent': return this.finish(job);
      default: return false;
    }
  }

  private async submit(job: ReportJobRow, pending: 'resubmit' | null = null): Promise<boolean> {
    const report = await loadReport(this.store.db, job.id, this.opts.ncmec);
    if (!report) return false;
    if (report.missing.length) return this.failHard(job, `report incomplete: missing ${report.missing.join(', ')}`);
    const xml = reportXml(report.content);
    await this.markInflight(job, 'submit', null);
    const ex = await this.opts.client.submit(xml);
    const reportId = ex.response?.reportId ?? null;
    if (ex.outcome === 'ok' && !reportId) return this.settle(job, 'submit', null, { ...ex, outcome: 'retry', error: 'acknowledged without a reportId' }, undefined, pending);
    return this.settle(job, 'submit', null, ex, async (trx, now) => {
      await updateJob(trx, job.id, { status: 'submitted', ncmec_report_id: reportId }, now);
      await appendEvents(trx, report.items.map((i) => ({
        type: 'report_submitted' as const, itemId: i.item_id, accountId: job.account_id, actor: 'ncmec-client', versions: {},
        payload: { jobId: job.id, ncmecReportId: reportId },
      })), now);
    }, pending);
  }

  private async uploadNext(job: ReportJobRow): Promise<boolean> {
    const report = await loadReport(this.store.db, job.id, this.opts.ncmec);
    if (!report || !job.ncmec_report_id) return false;
    const file = report.files.find((f) => f.stored === 1 && f.ncmec_file_id === null);
    if (!file) {
      await this.persist(job, async (trx, now) => updateJob(trx, job.id, { status: 'files_uploaded' }, now));
      return true;
    }
    const blob = this.opts.keys ? await getBlob(this.store.db, file.sha256) : null;
    if (!blob || !this.opts.keys) return this.failHard(job, `the bytes of file ${file.id} are no longer held; it cannot be uploaded`);
    const bytes = open(this.opts.keys, blob);
    const ours = createHash('md5').update(bytes).digest('hex');
    await this.markInflight(job, 'upload', file.id);
    const ex = await this.opts.client.upload(job.ncmec_report_id, { name: file.name, mime: file.mime, bytes, md5: ours });
    const fileId = ex.response?.fileId ?? null;
    const theirs = ex.response?.hash?.toLowerCase() ?? null;
    if (ex.outcome === 'ok' && (!fileId || theirs !== ours)) {
      // Corrupted in transit (or an answer we cannot use): not recorded as uploaded, so the next attempt sends it again.
      return this.settle(job, 'upload', file.id, { ...ex, outcome: 'retry', error: fileId ? `MD5 mismatch: NCMEC computed ${theirs}, ours is ${ours}` : 'acknowledged without a fileId' });
    }
    return this.settle(job, 'upload', file.id, ex, async (trx) => updateFile(trx, file.id, { ncmec_file_id: fileId, ncmec_md5: theirs }));
  }

  private async sendNextDetails(job: ReportJobRow): Promise<boolean> {
    const report = await loadReport(this.store.db, job.id, this.opts.ncmec);
    if (!report || !job.ncmec_report_id) return false;
    const row = report.files.find((f) => f.ncmec_file_id !== null && f.details_sent_at === null);
    if (!row) {
      await this.persist(job, async (trx, now) => updateJob(trx, job.id, { status: 'details_sent' }, now));
      return true;
    }
    const file = report.content.files.find((f) => f.id === row.id);
    if (!file || !row.ncmec_file_id) return this.failHard(job, `file ${row.id} is missing from the report content`);
    await this.markInflight(job, 'fileinfo', row.id);
    const ex = await this.opts.client.fileInfo(fileDetailsXml(job.ncmec_report_id, row.ncmec_file_id, file));
    return this.settle(job, 'fileinfo', row.id, ex, async (trx, now) => updateFile(trx, row.id, { details_sent_at: now }));
  }

  private async finish(job: ReportJobRow): Promise<boolean> {
    if (!job.ncmec_report_id) return false;
    await this.markInflight(job, 'finish', null);
    const ex = alreadyDone(await this.opts.client.finish(job.ncmec_report_id), ALREADY_FINISHED_CODE);
    return this.settle(job, 'finish', null, ex, async (trx, now) => updateJob(trx, job.id, { status: 'finished' }, now));
  }

  private async retract(job: ReportJobRow): Promise<boolean> {
    if (!job.ncmec_report_id) {
      await this.persist(job, async (trx, now) => updateJob(trx, job.id, { status: 'retracted', inflight_step: null, inflight_at: null }, now));
      return false;
    }
    await this.markInflight(job, 'retract', null);
    const ex = alreadyDone(await this.opts.client.retract(job.ncmec_report_id), ALREADY_RETRACTED_CODE);
    return this.settle(job, 'retract', null, ex, async (trx, now) => updateJob(trx, job.id, { status: 'retracted' }, now));
  }

  /**
   * A step a previous runner sent without recording NCMEC's answer. Recorded on the job as an interrupted exchange,
   * then: an upload (a file may sit in the report under an id Haven never learnt) leads to a restart; any other step
   * is simply taken again.
   */
  private async recover(job: ReportJobRow): Promise<boolean> {
    const step = job.inflight_step as string;
    if (step === 'restart' || step === 'resubmit') {
      if (job.retract_requested) return this.retract(job);
      return step === 'restart' ? this.restart(job) : this.submit(job, 'resubmit');
    }
    const restart = step === 'upload' && job.ncmec_report_id !== null && !job.retract_requested;
    const consequence = step === 'submit'
      ? 'a report may have been opened at NCMEC under an id Haven never received; it is never finished, and the report is submitted again'
      : restart ? `the open report ${job.ncmec_report_id} is retracted and the report submitted again, so no file is sent twice` : 'the step is taken again';
    await this.persist(job, async (trx, now) => {
      await recordExchange(trx, {
        jobId: job.id, step, fileId: job.inflight_file_id, request: `(interrupted ${step}, sent at ${new Date(Number(job.inflight_at)).toISOString()})`,
        httpStatus: null, response: `interrupted: the process stopped before NCMEC's answer was recorded; ${consequence}`, responseCode: null, outcome: 'retry',
      }, now);
      const next = restart ? 'restart' : step === 'submit' ? 'resubmit' : null;
      await updateJob(trx, job.id, { inflight_step: next, inflight_file_id: null, inflight_at: next ? now : null }, now);
    });
    this.opts.logger.warn({ jobId: job.id, step, ncmecReportId: job.ncmec_report_id }, `CyberTipline ${step} was interrupted; ${consequence}`);
    return true;
  }

  /** Retracts the open report (a repeated retract counts as done) and sends the job back to be submitted afresh. */
  private async restart(job: ReportJobRow): Promise<boolean> {
    if (!job.ncmec_report_id) {
      await this.persist(job, async (trx, now) => updateJob(trx, job.id, { status: 'approved', inflight_step: 'resubmit', inflight_at: now }, now));
      return true;
    }
    const ex = alreadyDone(await this.opts.client.retract(job.ncmec_report_id), ALREADY_RETRACTED_CODE);
    return this.settle(job, 'retract', null, ex, async (trx, now) => {
      await resetJobFiles(trx, job.id);
      // Still marked, so the job is not mistaken for one never sent (new items do not join it) until resubmitted.
      await updateJob(trx, job.id, { status: 'approved', ncmec_report_id: null, inflight_step: 'resubmit', inflight_at: now }, now);
    }, 'restart');
  }

  /** Committed before a request goes out; cleared with its outcome (settle). */
  private async markInflight(job: ReportJobRow, step: string, fileId: string | null): Promise<void> {
    await this.persist(job, async (trx, now) => updateJob(trx, job.id, { inflight_step: step, inflight_file_id: fileId, inflight_at: now }, now));
  }

  /**
   * Records the exchange and, when acknowledged, the step's effect, in one transaction. A retry is scheduled with
   * backoff (and fails the job after maxAttempts); a refusal fails the job for a person to look at.
   */
  private async settle(
    job: ReportJobRow, step: string, fileId: string | null, ex: Exchange,
    onOk?: (trx: Tx, now: number) => Promise<void>,
    /** The mark kept unless acknowledged: a restart holds until its retraction is, a resubmission until it is sent. */
    pending: 'restart' | 'resubmit' | null = null,
  ): Promise<boolean> {
    const attempts = job.attempts + 1;
    const final = ex.outcome === 'refused' || (ex.outcome === 'retry' && attempts >= this.maxAttempts);
    await this.persist(job, async (trx, now) => {
      await recordExchange(trx, {
        jobId: job.id, step, fileId, request: ex.request, httpStatus: ex.httpStatus, response: ex.body ?? ex.error,
        responseCode: ex.response?.responseCode ?? null, outcome: ex.outcome,
      }, now);
      const inflight = ex.outcome === 'ok' || !pending
        ? { inflight_step: null, inflight_file_id: null, inflight_at: null }
        : { inflight_step: pending, inflight_file_id: null, inflight_at: now };
      if (ex.outcome === 'ok') {
        await updateJob(trx, job.id, inflight, now);
        await onOk?.(trx, now);
        await updateJob(trx, job.id, { attempts: 0, last_error: null, next_attempt_at: null }, now);
      } else if (final) {
        await updateJob(trx, job.id, { ...inflight, status: 'failed', attempts, last_error: `${step}: ${ex.error}` }, now);
      } else {
        await updateJob(trx, job.id, { ...inflight, attempts, last_error: `${step}: ${ex.error}`, next_attempt_at: now + Math.min(3_600_000, 30_000 * 2 ** (attempts - 1)) }, now);
      }
    });
    if (ex.outcome !== 'ok') this.opts.logger.warn({ jobId: job.id, step, outcome: ex.outcome, error: ex.error }, 'CyberTipline step not acknowledged');
    return ex.outcome === 'ok';
  }

  private async failHard(job: ReportJobRow, error: string): Promise<boolean> {
    await this.persist(job, async (trx, now) => updateJob(trx, job.id, { status: 'failed', last_error: error }, now));
    this.opts.logger.error({ jobId: job.id, error }, 'report job failed');
    return false;
  }

  /** Writes only while this runner still holds the job's lease. */
  private async persist(job: ReportJobRow, fn: (trx: Tx, now: number) => Promise<void>): Promise<void> {
    const now = this.opts.clock.now();
    await this.store.db.transaction().execute(async (trx) => {
      const held = await trx.selectFrom('report_jobs').select('lease_owner').where('id', '=', job.id).executeTakeFirst();
      if (held?.lease_owner !== this.owner) throw new LeaseLost();
      await fn(trx, now);
      await trx.updateTable('report_jobs').set({ lease_expires_at: now + this.opts.leaseMs }).where('id', '=', job.id).execute();
    });
  }
}

/** NCMEC's "already finished" (or retracted) answer to a repeated call: the state asked for holds, so it is done. */
function alreadyDone(ex: Exchange, code: number): Exchange {
  return ex.outcome === 'refused' && ex.response?.responseCode === code ? { ...ex, outcome: 'ok', error: null } : ex;
}
