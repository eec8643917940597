import type { Command } from 'commander';
import { renderOpsReport } from '../../review/ops/report.js';
import { opsWindow } from '../../review/ops/window.js';
import { currentOpsTargets, loadOpsMetrics } from '../../store/repos/ops-metrics.js';
import { withHaven } from '../context.js';

export function opsCommands(program: Command): void {
  const ops = program.command('ops').description('review operations: the dashboard figures against their targets');

  ops
    .command('report')
    .description('queue depth and age, SLA compliance, time to action, throughput, automation rate and precision, reviewer accuracy, reports filed; breaches marked')
    .option('--since <window>', 'window length: hours or days, e.g. 24h, 7d, 30d (at most 90d)', '7d')
    .option('--until <time>', 'end of the window, ISO 8601 (default: now)')
    .option('--json', 'print the figures as JSON (the same as GET /v1/ops/metrics)')
    .action(async (o: { since: string; until?: string; json?: boolean }) => {
      // Checked before the database is opened, so a typo costs nothing.
      opsWindow({ since: o.since, until: o.until, now: Date.now() });
      await withHaven(async (haven) => {
        const window = opsWindow({ since: o.since, until: o.until, now: haven.clock.now() });
        const metrics = await loadOpsMetrics(haven.store.db, window, await currentOpsTargets(haven.store.db));
        process.stdout.write(o.json ? `${JSON.stringify(metrics, null, 2)}\n` : renderOpsReport(metrics));
      });
    });
}
