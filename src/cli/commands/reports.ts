import type { Command } from 'commander';
import { presentReport } from '../../api/routes/reports.js';
import { approveJob, loadReport, ReportRefused, reportRunnerFor, retractJob } from '../../enforcement/ncmec/index.js';
import { jobExchanges, listJobs } from '../../store/repos/reports.js';
import { withHaven } from '../context.js';

const CLI_ACTOR = `cli:${process.env.USER ?? 'operator'}`;

function refused(e: unknown): never {
  if (e instanceof ReportRefused) throw new Error(e.message);
  throw e;
}

/** `haven reports`: CyberTipline report jobs, as the /v1/reports API. The operator running the CLI acts as legal. */
export function reportCommands(program: Command): void {
  const reports = program.command('reports').description('CyberTipline report jobs: list, show, approve, run the client, retract');

  reports
    .command('list')
    .description('report jobs, newest first')
    .option('--status <status>', 'only jobs with this status')
    .option('--json', 'print JSON')
    .action(async (o: { status?: string; json?: boolean }) => {
      await withHaven(async (haven) => {
        const rows = await listJobs(haven.store.db, { ...(o.status ? { status: o.status } : {}), limit: 200 });
        if (o.json) return void process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        if (rows.length === 0) return void process.stdout.write('no report jobs\n');
        for (const j of rows) {
          process.stdout.write(`${j.id}  ${j.status.padEnd(14)} user ${j.account_external_id ?? '-'}  ncmec ${j.ncmec_report_id ?? '-'}${j.last_error ? `  last error: ${j.last_error}` : ''}\n`);
        }
      });
    });

  reports
    .command('show')
    .argument('<id>', 'report job id')
    .description('a report job: content, files, steps and NCMEC responses (JSON, as GET /v1/reports/:id)')
    .action(async (id: string) => {
      await withHaven(async (haven) => {
        const r = await loadReport(haven.store.db, id, haven.config.ncmec);
        if (!r) throw new Error(`report job ${id} not found`);
        process.stdout.write(`${JSON.stringify(presentReport(r, await jobExchanges(haven.store.db, id)), null, 2)}\n`);
      });
    });

  reports
    .command('approve')
    .argument('<id>', 'report job id')
    .requiredOption('--note <text>', 'why the report is approved (audited)')
    .description('approve a draft report (refused with the missing fields, or until enough files were viewed)')
    .action(async (id: string, o: { note: string }) => {
      await withHaven(async (haven) => {
        await approveJob(haven.store, id, { actor: CLI_ACTOR, note: o.note, ncmec: haven.config.ncmec, now: haven.clock.now() }).catch(refused);
        process.stdout.write(`report job ${id} approved\n`);
      });
    });

  reports
    .command('retract')
    .argument('<id>', 'report job id')
    .requiredOption('--reason <text>', 'why the report is retracted (audited)')
    .description('retract a report that is not finished')
    .action(async (id: string, o: { reason: string }) => {
      await withHaven(async (haven) => {
        const job = await retractJob(haven.store, id, { actor: CLI_ACTOR, reason: o.reason, now: haven.clock.now() }).catch(refused);
        process.stdout.write(job.status === 'retracted' ? `report job ${id} retracted\n` : `report job ${id} will be retracted at NCMEC by the next run\n`);
      });
    });

  reports
    .command('run')
    .description('send every due approved report through the CyberTipline lifecycle, then exit')
    .action(async () => {
      await withHaven(async (haven) => {
        const runner = reportRunnerFor(haven);
        if (!runner) throw new Error('NCMEC is not configured: set HAVEN_NCMEC_URL, HAVEN_NCMEC_USER and HAVEN_NCMEC_PASSWORD_ENV');
        let jobs = 0;
        while ((await runner.runOnce()) > 0) jobs++;
        const rows = await listJobs(haven.store.db, { limit: 200 });
        process.stdout.write(`${jobs} job(s) advanced\n`);
        for (const j of rows.filter((r) => r.updated_at >= haven.clock.now() - 60_000)) {
          process.stdout.write(`${j.id}  ${j.status}  ncmec ${j.ncmec_report_id ?? '-'}${j.last_error ? `  last error: ${j.last_error}` : ''}\n`);
        }
      });
    });
}
