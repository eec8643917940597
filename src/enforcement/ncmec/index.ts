import type { Haven } from '../../app.js';
import { CyberTiplineClient } from './client.js';
import { ReportRunner } from './runner.js';

export { approveJob, classifyFile, loadReport, openReportJobs, ReportRefused, retractJob } from './jobs.js';
export { CyberTiplineClient } from './client.js';
export { ReportRunner } from './runner.js';

/** The CyberTipline client of a running Haven; null when HAVEN_NCMEC_URL is not configured (approved jobs wait). */
export function reportRunnerFor(haven: Haven): ReportRunner | null {
  const endpoint = haven.config.ncmec.endpoint;
  if (!endpoint) return null;
  return new ReportRunner(haven.store, {
    // A request never outlives the lease: past it another runner may take the job over while the answer is pending.
    client: new CyberTiplineClient(endpoint, Math.min(60_000, Math.floor(haven.config.leaseMs / 2))), keys: haven.keys, ncmec: haven.config.ncmec, clock: haven.clock, logger: haven.logger,
    leaseMs: haven.config.leaseMs,
  });
}
